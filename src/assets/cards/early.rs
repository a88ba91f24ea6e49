//! Drawing cards while the pages are rendered (issue 19; I/O, `build`
//! only). Rendering keeps about one core busy; each card the render stage
//! names is handed to `EarlyCards::submit`, which draws it on the rayon
//! pool alongside and stores it in the image cache exactly as `execute`
//! would. `execute` then finds it there and draws only what is left.
//!
//! Only a card that needs nothing a later step makes is drawn early: its
//! photo and logo are read from their sources or from image variants
//! already in the cache (a variant this build still has to make would be
//! read from the full-size source instead, which could change the
//! pixels). A card that fails here (a photo that cannot be read, a cache
//! that cannot be written) is left to `execute`, which reports it as it
//! always did: drawing early reports nothing. Each card name is drawn at
//! most once, and not at all when the cache has it. Memory stays bounded:
//! a queued job holds only its spec, and at most one card per rayon thread
//! is being drawn.

use super::execute::{decodes_source, inputs, load, make};
use super::spec::{CardPhoto, PlannedCard};
use super::text::Fonts;
use crate::assets::budget;
use crate::assets::cache::{Cache, CacheError};
use crate::assets::encode::Pixels;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

/// The cards drawn while the pages are rendered. Dropping it stops the
/// cards not yet begun and waits for those being drawn.
pub struct EarlyCards {
    inner: Arc<Inner>,
}

struct Inner {
    cache: Cache,
    state: Mutex<State>,
    /// Signalled when no job is queued or running.
    idle: Condvar,
    /// Logos by content key, decoded once (none: it could not be, and its
    /// cards are left to `execute`, which warns about it).
    logos: Mutex<HashMap<String, Option<Arc<Pixels>>>>,
}

#[derive(Default)]
struct State {
    /// Every card name handed over: each is looked at once.
    seen: HashSet<String>,
    /// Jobs queued or running.
    pending: usize,
    /// The card names drawn and stored here.
    drawn: HashSet<String>,
    /// No more cards are taken.
    closed: bool,
    /// No more drawing: jobs not yet begun return at once.
    cancelled: bool,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl EarlyCards {
    /// Draws into the image cache under `cache_dir` (`<root>/<cache_dir>`).
    pub fn new(cache_dir: &Path) -> Result<Self, CacheError> {
        let cache = Cache::open(cache_dir)?;
        let inner = Inner { cache, state: Mutex::default(), idle: Condvar::new(), logos: Mutex::default() };
        Ok(EarlyCards { inner: Arc::new(inner) })
    }

    /// Hands over a card a page names (the render stage calls this as soon
    /// as it plans the card): it is drawn on the rayon pool unless it was
    /// handed over before, `finish` was called, or (found by the job) the
    /// cache has it or it needs a variant not yet made.
    pub fn submit(&self, card: &PlannedCard) {
        {
            let mut state = lock(&self.inner.state);
            if state.closed || !state.seen.insert(card.output.clone()) {
                return;
            }
            state.pending += 1;
        }
        let inner = Arc::clone(&self.inner);
        let card = card.clone();
        rayon::spawn(move || {
            let go = !lock(&inner.state).cancelled;
            // A panic leaves the card to `execute`, which draws it again
            // and so reports the panic where it always did.
            let drawn =
                go && std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| inner.draw(&card))).unwrap_or(false);
            let mut state = lock(&inner.state);
            if drawn {
                state.drawn.insert(card.output);
            }
            state.pending -= 1;
            if state.pending == 0 {
                inner.idle.notify_all();
            }
        });
    }

    /// Stops taking cards, waits for those handed over, and returns the
    /// names of the cards drawn here (each in the cache now).
    pub fn finish(&self) -> HashSet<String> {
        let mut state = lock(&self.inner.state);
        // The jobs already queued still draw: the build wants their cards.
        state.closed = true;
        let mut state = self.wait(state);
        std::mem::take(&mut state.drawn)
    }

    fn wait<'a>(&'a self, mut state: MutexGuard<'a, State>) -> MutexGuard<'a, State> {
        while state.pending > 0 {
            state = self.inner.idle.wait(state).unwrap_or_else(PoisonError::into_inner);
        }
        state
    }
}

impl Drop for EarlyCards {
    /// After a failed build: the cards not begun are not drawn, and none is
    /// still being written when the build lets go of the cache.
    fn drop(&mut self) {
        let mut state = lock(&self.inner.state);
        (state.closed, state.cancelled) = (true, true);
        drop(self.wait(state));
    }
}

impl Inner {
    /// Draws and stores `card` when the cache lacks it and everything it is
    /// made from is at hand; whether it did.
    fn draw(&self, card: &PlannedCard) -> bool {
        if self.cache.contains(&card.output) {
            return false;
        }
        let (photo, logo) = inputs(card);
        let ready = |p: &CardPhoto| p.variant.as_ref().is_none_or(|v| self.cache.contains(v));
        if !photo.into_iter().chain(logo).all(ready) {
            return false;
        }
        let logo = match logo {
            Some(l) => match self.logo(l) {
                Some(px) => Some(px),
                None => return false,
            },
            None => None,
        };
        // As in `execute`: a full-size source holds a share of the memory budget.
        let _share = photo
            .filter(|p| decodes_source(p, &self.cache))
            .map(|p| budget::memory().take(budget::decode_cost(p.source_size.0, p.source_size.1, p.has_alpha)));
        match make(card, Fonts::embedded(), &self.cache, logo.as_deref()) {
            Ok(bytes) => self.cache.store(&card.output, &bytes).is_ok(),
            Err(_) => false,
        }
    }

    /// The logo's pixels, decoded by the first card that needs them.
    fn logo(&self, l: &CardPhoto) -> Option<Arc<Pixels>> {
        let mut logos = lock(&self.logos);
        logos.entry(l.key()).or_insert_with(|| load(l, &self.cache).ok().map(Arc::new)).clone()
    }
}

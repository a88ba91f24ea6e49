//! A small headless-Chromium client over the DevTools protocol
//! (`--remote-debugging-pipe`, so no WebSocket client is needed), shared by
//! the browser tests. Every host name but 127.0.0.1 resolves to nothing, so a
//! test never reaches the real network.

use serde_json::{json, Value};
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::Instant;

pub(crate) const CHROMIUM: &str = "/usr/bin/chromium";

/// True when Chromium is missing, after a note that `test` is skipped.
pub(crate) fn missing(test: &str) -> bool {
    if Path::new(CHROMIUM).exists() {
        return false;
    }
    #[allow(clippy::print_stderr, reason = "tells why the browser test did nothing")]
    {
        eprintln!("note: {CHROMIUM} is not installed; skipping the {test}");
    }
    true
}

/// A headless Chromium and one page session; killed on drop.
pub(crate) struct Browser {
    child: Child,
    input: ChildStdin,
    messages: Receiver<Value>,
    /// Every message that is not an answer, in the order it came.
    events: Vec<Value>,
    next_id: u64,
    session: Option<String>,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Browser {
    /// Starts Chromium with its profile in `profile`; `extra` goes after the usual flags.
    pub(crate) fn launch(profile: &Path, extra: &[&str]) -> Browser {
        // The shell hands our pipes to Chromium as fds 3 (commands in) and 4
        // (replies out), as --remote-debugging-pipe expects.
        let mut child = Command::new("sh")
            .arg("-c")
            .arg("exec \"$0\" \"$@\" 3<&0 4>&1 0</dev/null 1>/dev/null")
            .arg(CHROMIUM)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--mute-audio",
                // Nothing but this machine resolves: the test never reaches the network.
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                "--remote-debugging-pipe",
            ])
            .args(extra)
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("about:blank")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromium");
        let input = child.stdin.take().unwrap();
        let mut output = child.stdout.take().unwrap();
        let (tx, messages) = mpsc::channel();
        std::thread::spawn(move || {
            let mut pending = Vec::new();
            let mut buf = [0u8; 65536];
            while let Ok(n) = output.read(&mut buf) {
                if n == 0 {
                    break;
                }
                pending.extend_from_slice(&buf[..n]);
                while let Some(end) = pending.iter().position(|b| *b == 0) {
                    let message: Vec<u8> = pending.drain(..=end).collect();
                    if let Ok(v) = serde_json::from_slice::<Value>(&message[..message.len() - 1]) {
                        if tx.send(v).is_err() {
                            return;
                        }
                    }
                }
            }
        });
        Browser { child, input, messages, events: Vec::new(), next_id: 0, session: None }
    }

    /// The next message, or a panic naming `what` once `deadline` has passed.
    fn next_message(&self, deadline: Instant, what: &str) -> Value {
        self.messages
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .unwrap_or_else(|_| panic!("{what}"))
    }

    /// Sends a command (to the page session once there is one) and waits
    /// until `deadline` for its result, keeping the events meanwhile.
    pub(crate) fn call(&mut self, method: &str, params: Value, deadline: Instant) -> Value {
        match self.try_call(method, params, deadline) {
            Some(Ok(result)) => result,
            Some(Err(error)) => panic!("{method} failed: {error}"),
            None => {
                let seen: Vec<&Value> = self.events.iter().rev().take(5).map(|e| &e["method"]).collect();
                panic!("no answer to {method} (the last events: {seen:?})")
            }
        }
    }

    /// Like `call`, but the browser's error is returned, and `None` when no
    /// answer came by `deadline` (a command sent while the page is being
    /// replaced can fail, "Execution context was destroyed", or go
    /// unanswered; a late answer is kept with the events).
    pub(crate) fn try_call(&mut self, method: &str, params: Value, deadline: Instant) -> Option<Result<Value, Value>> {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({"id": id, "method": method, "params": params});
        if let Some(s) = &self.session {
            message["sessionId"] = json!(s);
        }
        let mut bytes = serde_json::to_vec(&message).unwrap();
        bytes.push(0);
        self.input.write_all(&bytes).unwrap();
        loop {
            let Ok(m) = self.messages.recv_timeout(deadline.saturating_duration_since(Instant::now())) else {
                return None;
            };
            if m["id"] == json!(id) {
                return Some(match m.get("error") {
                    Some(error) => Err(error.clone()),
                    None => Ok(m["result"].clone()),
                });
            }
            self.events.push(m);
        }
    }

    /// Opens a blank page and sends every later command to it.
    pub(crate) fn attach_page(&mut self, deadline: Instant) {
        let target = self.call("Target.createTarget", json!({"url": "about:blank"}), deadline);
        let attached =
            self.call("Target.attachToTarget", json!({"targetId": target["targetId"], "flatten": true}), deadline);
        self.session = attached["sessionId"].as_str().map(str::to_string);
    }

    /// Waits until `deadline` for an event, keeping every other one.
    pub(crate) fn wait_for(&mut self, method: &str, deadline: Instant) {
        if self.events.iter().any(|e| e["method"] == method) {
            return;
        }
        loop {
            let m = self.next_message(deadline, &format!("no {method} event"));
            let found = m["method"] == method;
            self.events.push(m);
            if found {
                return;
            }
        }
    }

    /// Every event so far, including those that arrived while nothing was waiting.
    pub(crate) fn events(&mut self) -> &[Value] {
        while let Ok(m) = self.messages.try_recv() {
            self.events.push(m);
        }
        &self.events
    }

    /// Every URL the page has asked for so far (with `Network.enable`).
    pub(crate) fn requested(&mut self) -> Vec<String> {
        self.events()
            .iter()
            .filter(|e| e["method"] == "Network.requestWillBeSent")
            .filter_map(|e| e["params"]["request"]["url"].as_str().map(str::to_string))
            .collect()
    }

    /// The value of a JavaScript expression in the page (promises awaited).
    pub(crate) fn eval(&mut self, expression: &str, deadline: Instant) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({"expression": expression, "returnByValue": true, "awaitPromise": true}),
            deadline,
        );
        r["result"]["value"].clone()
    }

    /// Evaluates `expression` until it is truthy, or panics at `deadline`.
    /// The expression may be waiting for a navigation (a form sent, a link
    /// followed): while the page is being replaced an evaluation can fail
    /// ("Inspected target navigated or closed", "Execution context was
    /// destroyed") or go unanswered, and that counts as "not yet".
    pub(crate) fn eval_until(&mut self, expression: &str, deadline: Instant) -> Value {
        let params = json!({"expression": expression, "returnByValue": true, "awaitPromise": true});
        let mut last_error = None;
        loop {
            let within = (Instant::now() + std::time::Duration::from_secs(2)).min(deadline);
            match self.try_call("Runtime.evaluate", params.clone(), within) {
                Some(Ok(r)) => {
                    let v = r["result"]["value"].clone();
                    if !(v.is_null() || v == json!(false) || v == json!("") || v == json!(0)) {
                        return v;
                    }
                }
                Some(Err(error)) => last_error = Some(error),
                None => {}
            }
            assert!(Instant::now() < deadline, "timed out waiting for {expression} (last error: {last_error:?})");
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }

    /// Opens `url` in a new page (network events recorded) and waits until it has loaded.
    pub(crate) fn open(&mut self, url: &str, deadline: Instant) {
        self.attach_page(deadline);
        self.call("Network.enable", json!({}), deadline);
        self.call("Page.enable", json!({}), deadline);
        self.call("Page.navigate", json!({"url": url}), deadline);
        self.wait_for("Page.loadEventFired", deadline);
        self.eval_until("document.readyState === 'complete'", deadline);
    }
}

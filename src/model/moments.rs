//! Customer moments, resolved: a published photo of a happy customer with
//! its facts, built by `resolve::moments` and read by `render::moments` (the
//! gallery, each moment's page, the home page) and the `moment` shortcode.

use super::ImageUse;
use crate::date::DateTime;

#[derive(Debug, Clone)]
pub struct Moment {
    /// The slug of the photo's file name: `ana-wheel`.
    pub id: String,
    /// The file that describes it (a sidecar or moments.yaml), for messages.
    pub source: String,
    /// The photo (a key into `Site::images`) and its alt text.
    pub photo: ImageUse,
    pub caption: Option<String>,
    /// A first name, or nothing.
    pub customer: Option<String>,
    pub date: DateTime,
    pub product: Option<String>,
    pub tags: Vec<String>,
    /// `/moments/ana-wheel/`
    pub url: String,
}

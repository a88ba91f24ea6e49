//! Videos in the resolved site: a how-to post's `video:` (a platform video
//! or a local file, its poster, its length) and the media files that videos
//! add to the output (drawn posters, local clips and captions).

use super::ImageUse;
use crate::embeds::VideoRef;
use std::path::PathBuf;

/// Where a video plays from.
#[derive(Debug, Clone, PartialEq)]
pub enum VideoSource {
    /// YouTube or Vimeo, behind the click-to-load facade.
    Platform(VideoRef),
    /// A file published with the site.
    Local {
        /// Site URL of the file (`/media/posts/clip.mp4`).
        url: String,
        /// `video/mp4`, `video/webm`, ...
        mime: String,
        /// Site URL of the WebVTT captions, if any.
        captions: Option<String>,
    },
}

/// The still shown before a video plays.
#[derive(Debug, Clone)]
pub enum Poster {
    /// A photo through the image pipeline (the post's `poster:` or cover).
    Photo(ImageUse),
    /// An SVG shopstory drew (brand colour, title, play symbol); its site URL.
    Drawn { url: String },
}

/// A how-to post's video (front matter `video:`), resolved.
#[derive(Debug, Clone)]
pub struct DocVideo {
    pub source: VideoSource,
    pub poster: Poster,
    /// From the front matter's `duration:`.
    pub duration_seconds: Option<u32>,
    /// The embed, rendered through the theme's `shortcodes/<kind>.html`.
    pub html: String,
}

impl DocVideo {
    pub fn platform(&self) -> Option<&VideoRef> {
        match &self.source {
            VideoSource::Platform(r) => Some(r),
            VideoSource::Local { .. } => None,
        }
    }
}

/// A file videos add to the output, by output path.
#[derive(Debug, Clone, PartialEq)]
pub enum MediaFile {
    /// Bytes shopstory made (a drawn poster).
    Drawn(Vec<u8>),
    /// A local video or captions file, copied as it is.
    Copy(PathBuf),
}

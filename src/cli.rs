//! The command line, as clap derive types only. No logic lives here:
//! `options` turns these into the options the library reads.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "shopstory",
    version,
    about = "Turn a shop's posts, videos, customer photos and reviews into a fast, private website."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Print only errors.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print more detail (timings, each file written).
    #[arg(long, short, global = true)]
    pub verbose: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new site in <dir>, ready to build (works offline).
    Init(InitArgs),
    /// Create a new post or customer moment.
    ///
    /// `shopstory new post "Title"` writes a draft post in content/posts/
    /// (add `--video` with a YouTube or Vimeo address or a local .mp4 clip
    /// for a how-to video post). `shopstory new moment photo.jpg` copies a
    /// customer's photo into content/moments/ with a sidecar for its
    /// caption, date and consent.
    #[command(subcommand)]
    New(NewCommand),
    /// Build the site into public/ (or --output).
    Build(BuildArgs),
    /// Run every check of `build`, write nothing.
    Check(CheckArgs),
    /// Preview the site: build it, serve it, and rebuild and reload the
    /// browser on every change.
    Serve(ServeArgs),
    /// Add data exported from elsewhere to the site.
    #[command(subcommand)]
    Import(ImportCommand),
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to create the site in (must be empty or not exist).
    pub dir: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum NewCommand {
    /// Write content/posts/<today>-<slug>.md with its front matter.
    Post(NewPostArgs),
    /// Copy a customer's photo into content/moments/ and write its sidecar.
    Moment(NewMomentArgs),
}

#[derive(Debug, Args)]
pub struct NewMomentArgs {
    /// The photo (JPEG, PNG or WebP); copied, never moved.
    pub photo: PathBuf,
    /// A sentence about the moment.
    #[arg(long)]
    pub caption: Option<String>,
    /// The customer's first name.
    #[arg(long)]
    pub customer: Option<String>,
    /// The customer agreed to be shown on the site (without it the build refuses the moment).
    #[arg(long)]
    pub consent: bool,
    /// The moment's id, its address and file name (`ana-wheel` for /moments/ana-wheel/);
    /// by default the photo's file name.
    #[arg(long)]
    pub id: Option<String>,
    /// The site folder.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}

#[derive(Debug, Args)]
pub struct NewPostArgs {
    /// The post's title.
    pub title: String,
    /// A YouTube or Vimeo address, or a video file (.mp4, .m4v, .webm or
    /// .ogv; one from outside the site is copied next to the post): makes
    /// this a how-to video post.
    #[arg(long)]
    pub video: Option<String>,
    /// The staff id of the author (from data/staff.yaml).
    #[arg(long)]
    pub author: Option<String>,
    /// The site folder.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The site folder (default: this folder, or the nearest folder above
    /// it with a site.yaml).
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// Where to write the site (default: public/ in the site folder).
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Use this base URL instead of site.yaml's (for preview deployments).
    #[arg(long)]
    pub base_url: Option<String>,
    /// Include drafts and posts dated in the future.
    #[arg(long)]
    pub drafts: bool,
    /// Treat warnings (such as an image without alt text) as errors.
    #[arg(long)]
    pub strict: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The site folder (default: this folder, or the nearest folder above
    /// it with a site.yaml).
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// Include drafts and posts dated in the future.
    #[arg(long)]
    pub drafts: bool,
    /// Treat warnings as errors.
    #[arg(long)]
    pub strict: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The site folder (default: this folder, or the nearest folder above
    /// it with a site.yaml).
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// The address to listen on; anything but 127.0.0.1 (this computer)
    /// lets other devices on the network see the preview.
    #[arg(long, default_value = "127.0.0.1", value_parser = parse_bind)]
    pub bind: std::net::IpAddr,
    /// The port to listen on (0: any free port).
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// Include drafts and posts dated in the future.
    #[arg(long)]
    pub drafts: bool,
    /// Open the preview in the default browser.
    #[arg(long)]
    pub open: bool,
    /// Look for changes every 300 ms instead of asking the system (for
    /// network drives and containers, where change events do not arrive).
    #[arg(long)]
    pub poll: bool,
}

/// An IP address, or `localhost`.
fn parse_bind(s: &str) -> Result<std::net::IpAddr, String> {
    if s.eq_ignore_ascii_case("localhost") {
        return Ok(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST));
    }
    s.parse().map_err(|_| {
        format!("`{s}` is not an IP address; use 127.0.0.1 (this computer only) or 0.0.0.0 (every network)")
    })
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Append reviews from a CSV export (first line: column names) or
    /// Google Takeout's reviews.json to data/reviews.yaml, counting the
    /// reviews already there.
    Reviews(Box<ImportReviewsArgs>),
}

#[derive(Debug, Args)]
pub struct ImportReviewsArgs {
    /// The export: a CSV file as a review platform writes it, or Google
    /// Takeout's reviews.json (Google Business Profile).
    pub file: PathBuf,
    /// The site folder.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// The column with the reviewer's name (default: author, name, reviewer, ...).
    #[arg(long, value_name = "COLUMN")]
    pub author_column: Option<String>,
    /// The column with the rating, 1 to 5 (default: rating, stars, score, ...).
    #[arg(long, value_name = "COLUMN")]
    pub rating_column: Option<String>,
    /// The column with the review's date (default: date, review date, created, ...).
    #[arg(long, value_name = "COLUMN")]
    pub date_column: Option<String>,
    /// The column with the review's text (default: comment, review content, message, body, text, review, ...).
    #[arg(long, value_name = "COLUMN")]
    pub text_column: Option<String>,
    /// The column with the review's title, put before its text in bold (default: title, review title).
    #[arg(long, value_name = "COLUMN")]
    pub title_column: Option<String>,
    /// The column with the shop's reply (default: reply, response, owner response, ...).
    #[arg(long, value_name = "COLUMN")]
    pub reply_column: Option<String>,
    /// The column with the reply's date (default: reply date, response date, ...).
    #[arg(long, value_name = "COLUMN")]
    pub reply_date_column: Option<String>,
    /// The column with the platform's review id (default: id, review id).
    #[arg(long, value_name = "COLUMN")]
    pub id_column: Option<String>,
    /// The column naming the product reviewed (default: product handle, product, item, service, ...).
    #[arg(long, value_name = "COLUMN")]
    pub product_column: Option<String>,
    /// The column naming where the review was left (default: source, source of review, platform, channel).
    #[arg(long, value_name = "COLUMN")]
    pub source_column: Option<String>,
    /// Where these reviews come from (google, facebook, ...), for rows that do not say.
    #[arg(long)]
    pub source: Option<String>,
    /// The product these reviews are about, for rows that do not say.
    #[arg(long)]
    pub product: Option<String>,
    /// Leave out reviews that have a rating but no text (else they are kept as ratings).
    #[arg(long)]
    pub skip_without_text: bool,
    /// How dates such as 03/11/2026 are read: dmy (day first) or mdy (month first).
    #[arg(long, value_name = "ORDER", value_parser = ["dmy", "mdy"])]
    pub date_order: Option<String>,
    /// Print which column fills each field and the first new reviews as they would be written; write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

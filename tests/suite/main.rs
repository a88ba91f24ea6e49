//! The one integration-test binary (each file under tests/ would link the
//! whole library again). See tests/README.md.

mod architecture;
mod browser;
mod build;
mod cards;
mod catalogue;
mod cdp;
mod cli;
mod docs;
mod escaping;
mod events;
mod fuzz;
mod harness;
mod home_menu;
mod i18n;
mod incremental;
mod incremental_edits;
mod languages;
mod messages;
mod moments;
mod photo_corpus;
mod photo_speed;
mod photos;
mod publish;
mod reviews;
mod reviews_import;
mod safety;
mod serve;
mod serve_browser;
mod serve_hostile;
mod site_polish;
mod subpath;
mod trust_input;
mod trust_paths;
mod trust_write;
mod videos;

//! Machine-readable page data built with a serialiser, never with string
//! templates: schema.org JSON-LD (escaped for `<script>`), share links with
//! percent-encoded URLs, and colour contrast for the brand.

use crate::i18n::I18n;
use crate::model::{Doc, Site, StaffMember};
use crate::paths::{absolute_url, percent_encode};
use crate::render::views::ShareLinkView;
use serde_json::{json, Map, Value};

/// Serialises JSON-LD so that it cannot close its `<script>` element.
pub fn json_ld_text(value: &Value) -> String {
    serde_json::to_string(value)
        .unwrap_or_default()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

fn postal_address(site: &Site) -> Option<Value> {
    let a = site.config.shop.address.as_ref()?;
    Some(json!({
        "@type": "PostalAddress",
        "streetAddress": a.street,
        "addressLocality": a.city,
        "addressRegion": a.region,
        "postalCode": a.postal_code,
        "addressCountry": a.country,
    }))
}

/// The shop as `LocalBusiness`.
pub fn local_business(site: &Site, image: Option<&str>) -> Value {
    let c = &site.config;
    let mut v = Map::new();
    v.insert("@type".into(), json!("LocalBusiness"));
    v.insert("@id".into(), json!(absolute_url(c.files_url(), "/#shop")));
    v.insert("name".into(), json!(c.shop.name));
    v.insert("url".into(), json!(absolute_url(&c.base_url, "/")));
    if !c.description.is_empty() {
        v.insert("description".into(), json!(c.description));
    }
    if let Some(p) = &c.shop.phone {
        v.insert("telephone".into(), json!(p));
    }
    if let Some(e) = &c.shop.email {
        v.insert("email".into(), json!(e));
    }
    if let Some(a) = postal_address(site) {
        v.insert("address".into(), a);
    }
    if !c.shop.hours.is_empty() {
        v.insert("openingHours".into(), json!(c.shop.hours));
    }
    if !c.shop.social.is_empty() {
        v.insert("sameAs".into(), json!(c.shop.social.values().collect::<Vec<_>>()));
    }
    if let Some(img) = image {
        v.insert("image".into(), json!(img));
    }
    if let Some(logo) = &site.logo {
        if let Some(p) = site.images.get(&logo.path) {
            v.insert("logo".into(), json!(absolute_url(c.files_url(), &p.fallback_url())));
        }
    }
    Value::Object(v)
}

fn person(site: &Site, s: &StaffMember) -> Value {
    let mut v = json!({
        "@type": "Person",
        "name": s.name,
        "url": absolute_url(&site.config.base_url, &s.url),
        "worksFor": {"@type": "LocalBusiness", "name": site.config.shop.name, "@id": absolute_url(site.config.files_url(), "/#shop")},
    });
    if let Some(role) = &s.role {
        v["jobTitle"] = json!(role);
    }
    if let Some(bio) = &s.bio {
        v["description"] = json!(bio);
    }
    if let Some(photo) = s.photo.as_ref().and_then(|p| site.images.get(&p.path)) {
        v["image"] = json!(absolute_url(site.config.files_url(), &photo.fallback_url()));
    }
    v
}

pub fn blog_posting(site: &Site, post: &Doc, description: &str, image: Option<&str>) -> Value {
    let base = &site.config.base_url;
    let mut v = json!({
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": post.title,
        "description": description,
        "url": absolute_url(base, &post.url),
        "mainEntityOfPage": absolute_url(base, &post.url),
        "wordCount": post.body.words,
        "inLanguage": site.config.language,
        "publisher": {"@type": "Organization", "name": site.config.shop.name, "url": absolute_url(base, "/")},
    });
    if let Some(d) = post.date {
        v["datePublished"] = json!(d.rfc3339());
        v["dateModified"] = json!(post.updated.unwrap_or(d).rfc3339());
    }
    if !post.tags.is_empty() {
        v["keywords"] = json!(post.tags.iter().map(|t| t.name.as_str()).collect::<Vec<_>>());
    }
    v["author"] = match post.author {
        Some(a) => person(site, &site.staff[a]),
        None => json!({"@type": "Organization", "name": site.config.shop.name}),
    };
    if let Some(img) = image {
        v["image"] = json!(img);
    }
    v
}

pub fn profile_page(site: &Site, s: &StaffMember) -> Value {
    let mut p = person(site, s);
    p["@context"] = json!("https://schema.org");
    p
}

pub fn web_page(site: &Site, kind: &str, name: &str, url: &str, description: &str) -> Value {
    json!({
        "@context": "https://schema.org",
        "@type": kind,
        "name": name,
        "description": description,
        "url": absolute_url(&site.config.base_url, url),
        "inLanguage": site.config.language,
        "isPartOf": {"@type": "WebSite", "name": site.config.title, "url": absolute_url(&site.config.base_url, "/")},
    })
}

pub fn home(site: &Site, image: Option<&str>) -> Value {
    let mut shop = local_business(site, image);
    shop["@context"] = json!("https://schema.org");
    if let Some(rating) = super::reviews::home_aggregate(site) {
        shop["aggregateRating"] = rating;
    }
    shop
}

/// Share links that need no third-party script.
pub fn share_links(i18n: &I18n, permalink: &str, title: &str, image: Option<&str>) -> Vec<ShareLinkView> {
    let u = percent_encode(permalink);
    let t = percent_encode(title);
    let mut links = vec![
        ("facebook", "Facebook", format!("https://www.facebook.com/sharer/sharer.php?u={u}")),
        ("x", "X", format!("https://x.com/intent/post?url={u}&text={t}")),
    ];
    let mut pin = format!("https://www.pinterest.com/pin/create/button/?url={u}&description={t}");
    if let Some(img) = image {
        pin.push_str(&format!("&media={}", percent_encode(img)));
    }
    links.push(("pinterest", "Pinterest", pin));
    // Percent-encoding goes byte by byte: "{title} {permalink}" encodes to
    // the two encodings joined by %20.
    links.push(("whatsapp", "WhatsApp", format!("https://wa.me/?text={t}%20{u}")));
    links.push(("linkedin", "LinkedIn", format!("https://www.linkedin.com/sharing/share-offsite/?url={u}")));
    links.push(("email", i18n.t("share_email"), format!("mailto:?subject={t}&body={u}")));
    links
        .into_iter()
        .map(|(network, label, url)| ShareLinkView { network: network.into(), label: label.into(), url })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_ld_cannot_break_out_of_script() {
        let v = json!({"headline": "</script><script>alert(1)</script> <!--"});
        let text = json_ld_text(&v);
        assert!(!text.contains("</"));
        assert!(!text.contains('<') && !text.contains('>'));
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["headline"], v["headline"]);
    }

    #[test]
    fn share_links_decode_back_to_the_page() {
        let links = share_links(
            &I18n::default(),
            "https://shop.example/blog/a b/?x=1&y",
            "Tea & cake",
            Some("https://shop.example/c.png"),
        );
        let fb = &links[0].url;
        let encoded = fb.split("u=").nth(1).unwrap();
        assert_eq!(crate::paths::percent_decode(encoded), "https://shop.example/blog/a b/?x=1&y");
        assert!(links
            .iter()
            .any(|l| l.network == "pinterest" && l.url.contains("media=https%3A%2F%2Fshop.example%2Fc.png")));
        assert_eq!(links.len(), 6);
        let whatsapp = &links.iter().find(|l| l.network == "whatsapp").unwrap().url;
        let text = crate::paths::percent_encode("Tea & cake https://shop.example/blog/a b/?x=1&y");
        assert_eq!(whatsapp, &format!("https://wa.me/?text={text}"));
    }
}

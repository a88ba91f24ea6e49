//! Item 3: `![alt](photo.jpg "caption")` is a `<figure>` with its
//! `<figcaption>` (the title was dropped before), in place of the paragraph
//! when the photo stands alone, between two paragraphs when it sits among
//! words; a photo without a title stays as it was.

use super::{between, cafe, photo};

#[test]
fn a_titled_photo_becomes_a_figure_with_its_caption() {
    let site = cafe();
    site.write(
        "content/posts/2026-09-01-beans.md",
        "---\ntitle: Beans\n---\n\nBefore.\n\n![Green beans](beans.jpg \"Fresh from <Lima> & co\")\n\nWords then ![Roasted](beans.jpg \"Roasted\") more words.\n\n![No caption](beans.jpg)\n",
    );
    std::fs::write(site.root.join("content/posts/beans.jpg"), photo(400, 300)).unwrap();
    site.build_ok();
    let html = site.read("public/blog/beans/index.html");
    let body = between(&html, "<p>Before.</p>", "<p>Words then");
    let figure = between(body, "<figure class=\"photo\">", "</figure>");
    assert!(figure.starts_with("<figure class=\"photo\"><picture>"), "{figure}");
    assert!(
        figure.ends_with("</picture><figcaption>Fresh from &lt;Lima&gt; &amp; co</figcaption></figure>"),
        "{figure}"
    );
    assert!(figure.contains("alt=\"Green beans\""), "{figure}");
    // Alone in its paragraph: no <p> around the figure.
    assert_eq!(body.replace(figure, "FIGURE"), "<p>Before.</p>\nFIGURE\n<p>Words then");
    // Among words: the paragraph is closed around it.
    let inline = between(&html, "<p>Words then ", " more words.</p>");
    let second = between(inline, "<figure class=\"photo\">", "</figure>");
    assert_eq!(inline.replace(second, "FIGURE"), "<p>Words then </p>\nFIGURE\n<p> more words.</p>");
    assert!(second.ends_with("<figcaption>Roasted</figcaption></figure>"), "{second}");
    // No title, no figure.
    let last = &html[html.find("alt=\"No caption\"").unwrap() - 300..];
    assert_eq!(html.matches("<figure class=\"photo\">").count(), 2);
    assert!(!last.contains("figcaption"));
}

//! The pages' shared HTML: escaping and the layout every page is wrapped in.

use std::fmt::Write;

/// `text` with `& < > " '` escaped, safe in element content and quoted attributes.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// A whole page: `title` (escaped here), extra `<head>` markup and the `body` markup.
pub fn page(title: &str, head: &str, body: &str) -> String {
    let mut html = String::with_capacity(body.len() + 1024);
    let _ = write!(
        html,
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title} · watcher-prover</title>\n\
         <link rel=\"stylesheet\" href=\"/assets/style.css\">\n{head}</head>\n<body>\n\
         <header><a href=\"/\">watcher-prover</a></header>\n<main>\n{body}</main>\n\
         <footer>watcher-prover {version} · <a href=\"/metrics\">metrics</a> · \
         <a href=\"/health\">health</a> · <a href=\"/status.json\">status.json</a></footer>\n\
         </body>\n</html>\n",
        title = escape(title),
        version = env!("CARGO_PKG_VERSION"),
    );
    html
}

/// A felt or hash shortened for tables (`0x1234…abcd`), the whole value in its title.
pub fn short_hash(hash: &str) -> String {
    let escaped = escape(hash);
    if hash.len() <= 14 {
        return format!("<code>{escaped}</code>");
    }
    format!(
        "<code title=\"{escaped}\">{}…{}</code>",
        escape(&hash[..6]),
        escape(&hash[hash.len() - 4..])
    )
}

/// "12 s ago", "3 min ago", "2 h ago".
pub fn age(now_unix_ms: u64, then_unix_ms: u64) -> String {
    let seconds = now_unix_ms.saturating_sub(then_unix_ms) / 1000;
    match seconds {
        0..=119 => format!("{seconds} s ago"),
        120..=7199 => format!("{} min ago", seconds / 60),
        _ => format!("{} h ago", seconds / 3600),
    }
}

/// An optional number, or a dash.
pub fn number(value: Option<u64>) -> String {
    value.map_or_else(|| "—".to_owned(), |value| value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"y\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;"
        );
    }

    #[test]
    fn shortens_long_hashes_only() {
        assert_eq!(short_hash("0x12"), "<code>0x12</code>");
        let long = "0x0123456789abcdef0123";
        assert_eq!(short_hash(long), format!("<code title=\"{long}\">0x0123…0123</code>"));
    }
}

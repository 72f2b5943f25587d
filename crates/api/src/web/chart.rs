//! The throughput chart: an inline SVG bar chart, drawn on the server (no script).

use std::fmt::Write;

const WIDTH: u32 = 600;
const HEIGHT: u32 = 120;
const TOP: u32 = 16;
const BOTTOM: u32 = 18;

/// Bars for `values` (oldest first, one per minute), scaled to the largest, with its value and
/// the time axis labelled. `label` names the chart for screen readers.
pub fn bars(values: &[u32], label: &str) -> String {
    let max = values.iter().copied().max().unwrap_or(0).max(1);
    let plot = HEIGHT - TOP - BOTTOM;
    let step = WIDTH as f64 / values.len().max(1) as f64;
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" aria-label=\"{label}\">"
    );
    for (i, &value) in values.iter().enumerate() {
        if value == 0 {
            continue;
        }
        let height = (value as f64 / max as f64 * plot as f64).max(1.0);
        let _ = write!(
            svg,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{height:.1}\"><title>{value}</title></rect>",
            i as f64 * step + 1.0,
            (TOP + plot) as f64 - height,
            (step - 2.0).max(1.0),
        );
    }
    let base = TOP + plot;
    let _ = write!(
        svg,
        "<line x1=\"0\" y1=\"{base}\" x2=\"{WIDTH}\" y2=\"{base}\"/>\
         <text x=\"2\" y=\"12\">{max} max</text>\
         <text x=\"2\" y=\"{HEIGHT}\">−{} min</text>\
         <text x=\"{WIDTH}\" y=\"{HEIGHT}\" text-anchor=\"end\">now</text></svg>",
        values.len()
    );
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_bar_per_nonzero_value_scaled_to_the_largest() {
        let svg = bars(&[0, 2, 4, 0], "blocks");
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(svg.contains("<title>4</title>"));
        assert!(svg.contains("4 max"));
        // The largest bar spans the whole plot height.
        assert!(svg.contains(&format!("height=\"{:.1}\"", (HEIGHT - TOP - BOTTOM) as f64)));
    }
}

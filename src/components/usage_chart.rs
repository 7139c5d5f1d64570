//! Daily credit usage as a server-rendered SVG bar chart: readable without
//! JavaScript, with labelled axes and a text alternative.

use crate::domain::locale::Locale;
use crate::i18n::t;
use chrono::NaiveDate;
use leptos::prelude::*;

const W: f64 = 640.0;
const H: f64 = 220.0;
const LEFT: f64 = 56.0;
const BOTTOM: f64 = 36.0;
const TOP: f64 = 16.0;

/// A round number at or above `max` for the top of the axis.
fn axis_top(max: i64) -> i64 {
    if max <= 0 {
        return 10;
    }
    let magnitude = 10i64.pow((max as f64).log10().floor() as u32);
    let step = [1, 2, 5, 10]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| max <= *s * 5)
        .unwrap_or(10 * magnitude);
    (max + step - 1) / step * step
}

#[component]
pub fn UsageChart(days: Vec<(NaiveDate, i64)>, locale: Locale) -> impl IntoView {
    let l = locale;
    let max = days.iter().map(|(_, n)| *n).max().unwrap_or(0);
    let top = axis_top(max);
    let total: i64 = days.iter().map(|(_, n)| *n).sum();
    let plot_w = W - LEFT - 8.0;
    let plot_h = H - TOP - BOTTOM;
    let slot = plot_w / days.len().max(1) as f64;
    let y = move |v: i64| TOP + plot_h - plot_h * v as f64 / top as f64;
    let label = format!(
        "{}: {} {}",
        t(l, "usage-chart-credits-per-day-over-the"),
        l.integer(total as u64),
        t(l, "usage-chart-in-total")
    );
    let first = days.first().map(|d| d.0);
    let middle = days.get(days.len() / 2).map(|d| d.0);
    let last = days.last().map(|d| d.0);
    let ticks = [0, top / 2, top];
    let aria = label.clone();
    view! {
        <svg class="chart" viewBox=format!("0 0 {W} {H}") role="img" aria-label=aria data-test="usage-chart">
            <title>{label}</title>
            {ticks.into_iter().map(|t| view! {
                <line x1=LEFT x2=W - 8.0 y1=y(t) y2=y(t) class="grid"/>
                <text x=LEFT - 6.0 y=y(t) + 4.0 text-anchor="end" class="axis">{l.integer(t as u64)}</text>
            }).collect_view()}
            {days.iter().enumerate().map(|(i, (day, n))| {
                let x = LEFT + slot * i as f64 + slot * 0.15;
                view! {
                    <rect x=x y=y(*n) width=slot * 0.7 height=(y(0) - y(*n)).max(0.0) class="bar">
                        <title>{format!("{}: {}", l.date(*day), n)}</title>
                    </rect>
                }
            }).collect_view()}
            {[(0usize, first, "start"), (days.len() / 2, middle, "middle"), (days.len().saturating_sub(1), last, "end")]
                .into_iter()
                .filter_map(|(i, d, anchor)| d.map(|d| (i, d, anchor)))
                .map(|(i, d, anchor)| {
                    // The outer labels align to the plot's edges so they are never cut.
                    let x = match anchor {
                        "start" => LEFT + slot * i as f64,
                        "end" => LEFT + slot * (i + 1) as f64,
                        _ => LEFT + slot * i as f64 + slot / 2.0,
                    };
                    view! { <text x=x y=H - 14.0 text-anchor=anchor class="axis">{l.date(d)}</text> }
                })
                .collect_view()}
            <text x=12 y=TOP + plot_h / 2.0 class="axis" transform=format!("rotate(-90 12 {})", TOP + plot_h / 2.0) text-anchor="middle">{t(l, "usage-chart-credits")}</text>
            <text x=LEFT + plot_w / 2.0 y=H - 1.0 text-anchor="middle" class="axis">{t(l, "usage-chart-day")}</text>
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::axis_top;

    #[test]
    fn axis_tops_are_round() {
        assert_eq!(axis_top(0), 10);
        assert_eq!(axis_top(7), 8);
        assert_eq!(axis_top(10), 10);
        assert_eq!(axis_top(129), 200);
        assert_eq!(axis_top(1234), 2000);
        for max in 1..5_000 {
            assert!(axis_top(max) >= max);
        }
    }
}

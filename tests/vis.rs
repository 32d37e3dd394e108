//! The visualisation core on real values: calendar ticks at every zoom level, timeline groups/colours/legends from
//! hand-made and Tour frames, rasters non-blank exactly where events are, hover hit-testing, range tool clamping,
//! quick charts, inputs that must not panic, and (ignored by default) a 10^6-event timing printout.

/// Named `vis` so `cargo test vis` runs these tests too.
mod vis {
    use std::path::PathBuf;
    use std::time::Instant;

    use huntbook::frame::loganalytics::parse_response;
    use huntbook::time::parse_datetime_ns;
    use huntbook::vis::charts::{BarOptions, HistogramOptions, LineOptions, PieOptions};
    use huntbook::vis::color::{CATEGORY10, CATEGORY20, NAVY};
    use huntbook::vis::hit::{center_range_at, clamp_range, drag_range, range_handle_at, TimeRange};
    use huntbook::vis::scale::{TimeScale, DAY, HOUR, MINUTE, MS, SECOND};
    use huntbook::vis::timeline::{LegendPosition, RefEvent, ValueKind};
    use huntbook::vis::{
        bar_chart, histogram, line_chart, pie_chart, RangeHandle, Timeline, TimelineKind, TimelineOptions, View,
    };
    use huntbook::Frame;
    use polars::prelude::*;

    fn t(s: &str) -> i64 {
        parse_datetime_ns(s).unwrap_or_else(|| panic!("bad time {s}"))
    }

    fn frame(json: &str) -> Frame {
        parse_response(json.as_bytes()).unwrap().tables.remove(0)
    }

    fn tour() -> Frame {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/tour/asn_aad_logons.la.json");
        parse_response(&std::fs::read(path).unwrap()).unwrap().tables.remove(0)
    }

    fn opts(group_by: &[&str]) -> TimelineOptions {
        TimelineOptions {
            group_by: group_by.iter().map(|s| s.to_string()).collect(),
            ..TimelineOptions::default()
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Ticks

    /// Ticks of `[a, b]` on 800 px (at most 10 ticks): (unit, count, [(time, label)], context).
    fn ticks(a: &str, b: &str) -> (&'static str, u32, Vec<(i64, String)>, Option<String>) {
        let k = TimeScale::new(t(a), t(b), 800.0).ticks();
        (
            k.unit,
            k.count,
            k.ticks.into_iter().map(|x| (x.time_ns, x.label)).collect(),
            k.context,
        )
    }

    fn expect(list: &[(&str, &str)]) -> Vec<(i64, String)> {
        list.iter().map(|(time, label)| (t(time), label.to_string())).collect()
    }

    #[test]
    fn ticks_ten_years() {
        let (unit, n, got, ctx) = ticks("2014-06-15T00:00:00Z", "2024-06-15T00:00:00Z");
        assert_eq!((unit, n, ctx), ("year", 2, None));
        assert_eq!(
            got,
            expect(&[
                ("2016-01-01T00:00:00Z", "2016"),
                ("2018-01-01T00:00:00Z", "2018"),
                ("2020-01-01T00:00:00Z", "2020"),
                ("2022-01-01T00:00:00Z", "2022"),
                ("2024-01-01T00:00:00Z", "2024"),
            ])
        );
        // Exactly ten years fits ten 1-year steps.
        let (unit, n, got, _) = ticks("2014-01-01T00:00:00Z", "2024-01-01T00:00:00Z");
        assert_eq!((unit, n, got.len()), ("year", 1, 11));
        // Two years: quarters.
        let (unit, n, got, ctx) = ticks("2023-02-10T00:00:00Z", "2025-01-20T00:00:00Z");
        assert_eq!((unit, n, ctx), ("month", 3, None));
        assert_eq!(
            got.first().unwrap(),
            &(t("2023-04-01T00:00:00Z"), "Apr 2023".to_string())
        );
        assert_eq!(
            got.last().unwrap(),
            &(t("2025-01-01T00:00:00Z"), "Jan 2025".to_string())
        );
        assert_eq!(got.len(), 8);
    }

    #[test]
    fn ticks_a_month() {
        let (unit, n, got, ctx) = ticks("2024-01-10T00:00:00Z", "2024-02-10T00:00:00Z");
        assert_eq!((unit, n, ctx.as_deref()), ("week", 1, Some("2024")));
        assert_eq!(
            got,
            expect(&[
                ("2024-01-15T00:00:00Z", "Jan 15"),
                ("2024-01-22T00:00:00Z", "Jan 22"),
                ("2024-01-29T00:00:00Z", "Jan 29"),
                ("2024-02-05T00:00:00Z", "Feb 5"),
            ])
        );
        // A week: days.
        let (unit, n, got, ctx) = ticks("2023-12-28T12:00:00Z", "2024-01-04T12:00:00Z");
        assert_eq!((unit, n, ctx.as_deref()), ("day", 1, Some("2023 – 2024")));
        assert_eq!(
            got[..2],
            expect(&[("2023-12-29T00:00:00Z", "Dec 29"), ("2023-12-30T00:00:00Z", "Dec 30")])
        );
        assert_eq!(got.len(), 7);
    }

    #[test]
    fn ticks_a_day() {
        let (unit, n, got, ctx) = ticks("2024-01-15T05:30:00Z", "2024-01-16T05:30:00Z");
        assert_eq!((unit, n, ctx.as_deref()), ("hour", 3, Some("2024-01-15 – 2024-01-16")));
        assert_eq!(
            got,
            expect(&[
                ("2024-01-15T06:00:00Z", "Jan 15 06:00"),
                ("2024-01-15T09:00:00Z", "Jan 15 09:00"),
                ("2024-01-15T12:00:00Z", "Jan 15 12:00"),
                ("2024-01-15T15:00:00Z", "Jan 15 15:00"),
                ("2024-01-15T18:00:00Z", "Jan 15 18:00"),
                ("2024-01-15T21:00:00Z", "Jan 15 21:00"),
                ("2024-01-16T00:00:00Z", "Jan 16 00:00"),
                ("2024-01-16T03:00:00Z", "Jan 16 03:00"),
            ])
        );
    }

    #[test]
    fn ticks_an_hour() {
        let (unit, n, got, ctx) = ticks("2024-01-15T14:03:00Z", "2024-01-15T15:03:00Z");
        assert_eq!((unit, n, ctx.as_deref()), ("minute", 10, Some("2024-01-15")));
        assert_eq!(
            got,
            expect(&[
                ("2024-01-15T14:10:00Z", "14:10"),
                ("2024-01-15T14:20:00Z", "14:20"),
                ("2024-01-15T14:30:00Z", "14:30"),
                ("2024-01-15T14:40:00Z", "14:40"),
                ("2024-01-15T14:50:00Z", "14:50"),
                ("2024-01-15T15:00:00Z", "15:00"),
            ])
        );
    }

    #[test]
    fn ticks_a_minute() {
        let (unit, n, got, ctx) = ticks("2024-01-15T14:05:07Z", "2024-01-15T14:06:07Z");
        assert_eq!((unit, n, ctx.as_deref()), ("second", 10, Some("2024-01-15")));
        assert_eq!(
            got,
            expect(&[
                ("2024-01-15T14:05:10Z", "14:05:10"),
                ("2024-01-15T14:05:20Z", "14:05:20"),
                ("2024-01-15T14:05:30Z", "14:05:30"),
                ("2024-01-15T14:05:40Z", "14:05:40"),
                ("2024-01-15T14:05:50Z", "14:05:50"),
                ("2024-01-15T14:06:00Z", "14:06:00"),
            ])
        );
    }

    #[test]
    fn ticks_a_second() {
        let (unit, n, got, ctx) = ticks("2024-01-15T14:05:30.25Z", "2024-01-15T14:05:31.25Z");
        assert_eq!((unit, n, ctx.as_deref()), ("millisecond", 100, Some("2024-01-15")));
        let want: Vec<(String, String)> = (3..=12)
            .map(|i| {
                let (s, ms) = (30 + i / 10, (i % 10) * 100);
                (
                    format!("2024-01-15T14:05:{s:02}.{ms:03}Z"),
                    format!("14:05:{s:02}.{ms:03}"),
                )
            })
            .collect();
        let want: Vec<(&str, &str)> = want.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        assert_eq!(got, expect(&want));
        assert_eq!(got[0].1, "14:05:30.300");
        assert_eq!(got[9].1, "14:05:31.200");
    }

    #[test]
    fn ticks_ten_milliseconds() {
        let (unit, n, got, ctx) = ticks("2024-01-15T23:59:59.9955Z", "2024-01-16T00:00:00.0055Z");
        assert_eq!(
            (unit, n, ctx.as_deref()),
            ("millisecond", 1, Some("2024-01-15 – 2024-01-16"))
        );
        assert_eq!(
            got,
            expect(&[
                ("2024-01-15T23:59:59.996Z", "23:59:59.996"),
                ("2024-01-15T23:59:59.997Z", "23:59:59.997"),
                ("2024-01-15T23:59:59.998Z", "23:59:59.998"),
                ("2024-01-15T23:59:59.999Z", "23:59:59.999"),
                ("2024-01-16T00:00:00Z", "00:00:00.000"),
                ("2024-01-16T00:00:00.001Z", "00:00:00.001"),
                ("2024-01-16T00:00:00.002Z", "00:00:00.002"),
                ("2024-01-16T00:00:00.003Z", "00:00:00.003"),
                ("2024-01-16T00:00:00.004Z", "00:00:00.004"),
                ("2024-01-16T00:00:00.005Z", "00:00:00.005"),
            ])
        );
        // At the 1 ms zoom limit there are still ticks (100 µs).
        let mut s = TimeScale::new(t("2024-01-15T14:05:30Z"), t("2024-01-15T14:05:31Z"), 800.0);
        s.zoom(1e9, 400.0);
        assert_eq!(s.span(), MS);
        let k = s.ticks();
        assert_eq!((k.unit, k.count), ("microsecond", 100));
        assert!(k.ticks.len() >= 10, "{:?}", k.ticks);
        assert_eq!(k.ticks[0].label.len(), "14:05:30.5000".len());
    }

    #[test]
    fn ticks_follow_the_pixel_width() {
        let s = |w: f64| TimeScale::new(t("2024-01-15T00:00:00Z"), t("2024-01-16T00:00:00Z"), w).ticks();
        assert_eq!((s(800.0).count, s(800.0).ticks.len()), (3, 9));
        assert_eq!((s(400.0).unit, s(400.0).count), ("hour", 6));
        assert_eq!(s(400.0).ticks.len(), 5);
        assert_eq!((s(0.0).unit, s(0.0).count), ("hour", 12)); // at least 2 intervals, even at no width
        for k in s(800.0).ticks {
            assert!((0.0..=800.0).contains(&k.px));
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Timelines from a hand-made frame

    const SIGNINS: &str = r#"{"tables":[{"name":"PrimaryResult","columns":[
      {"name":"TimeGenerated","type":"datetime"},{"name":"Result","type":"string"},{"name":"App","type":"string"},
      {"name":"IPAddress","type":"string"},{"name":"Value","type":"real"}],
      "rows":[
      ["2024-01-15T10:00:00Z","Success","Portal","1.1.1.1",5],
      ["2024-01-15T10:30:00Z","Failure","Portal","2.2.2.2",7],
      ["2024-01-15T11:00:00Z","Success","Exchange","1.1.1.1","NaN"],
      [null,"Success","Portal","1.1.1.1",1],
      ["2024-01-15T09:00:00Z",null,"Teams","3.3.3.3",-2],
      ["2024-01-15T12:00:00Z","Success","Portal","1.1.1.1",3],
      [null,"Failure","Teams","2.2.2.2",4]]}]}"#;

    fn signins() -> Frame {
        frame(SIGNINS)
    }

    /// The test view: 09:00–13:00 on 960 × 300 (15 s a pixel; rows 100 px high centred at 50, 150, 250).
    fn test_view() -> View {
        View::new(t("2024-01-15T09:00:00Z"), t("2024-01-15T13:00:00Z"), 960, 300)
    }

    #[test]
    fn groups_colours_legend_and_skipped_rows() {
        let tl = Timeline::events(&signins(), &opts(&["Result"])).unwrap();
        let l = tl.layout();
        let labels: Vec<&str> = l.groups.iter().map(|g| g.label.as_str()).collect();
        assert_eq!(labels, ["Failure", "Success", "(null)"]);
        let counts: Vec<u64> = l.groups.iter().map(|g| g.count).collect();
        assert_eq!(counts, [1, 3, 1]);
        let colors: Vec<[u8; 3]> = l.groups.iter().map(|g| g.rgb).collect();
        assert_eq!(colors, CATEGORY10[..3]);
        assert_eq!(l.groups[0].color, "#1f77b4");
        assert_eq!(
            (l.groups[1].first_ns, l.groups[1].last_ns),
            (t("2024-01-15T10:00:00Z"), t("2024-01-15T12:00:00Z"))
        );
        assert_eq!((l.events, l.skipped_no_time, l.skipped_no_value), (5, 2, 0));
        assert_eq!(l.notes, ["2 events without a time were skipped"]);
        assert_eq!(
            (l.data_start_ns, l.data_end_ns),
            (Some(t("2024-01-15T09:00:00Z")), Some(t("2024-01-15T12:00:00Z")))
        );
        // msticpy: 10% padding, 10× zoom-out, 15% overview, 300 px minimum height, legend on the left, "Timeline: Events".
        assert_eq!(
            (l.view_start_ns, l.view_end_ns),
            (t("2024-01-15T08:42:00Z"), t("2024-01-15T12:18:00Z"))
        );
        assert_eq!(
            (l.extent_start_ns, l.extent_end_ns),
            (
                t("2024-01-15T10:30:00Z") - 15 * HOUR,
                t("2024-01-15T10:30:00Z") + 15 * HOUR
            )
        );
        assert_eq!(
            (l.overview_start_ns, l.overview_end_ns),
            (t("2024-01-15T08:33:00Z"), t("2024-01-15T12:27:00Z"))
        );
        assert_eq!((l.height, l.width, l.overview_height), (300, 900, 120));
        assert_eq!(l.legend, LegendPosition::Left);
        assert_eq!(l.title, "Timeline: Events");
        assert_eq!(l.hover_columns, ["TimeGenerated", "Result"]);
        let v = tl.initial_view(900, 300);
        assert_eq!(
            (v.start_ns, v.end_ns, v.width, v.height),
            (l.view_start_ns, l.view_end_ns, 900, 300)
        );
        // y labels: one a row at its centre.
        let y: Vec<(f64, String)> = tl.y_ticks(&test_view()).into_iter().map(|k| (k.px, k.label)).collect();
        assert_eq!(
            y,
            [
                (50.0, "Failure".to_string()),
                (150.0, "Success".to_string()),
                (250.0, "(null)".to_string())
            ]
        );

        // Two group columns: labels joined with " / ", keys compared column by column, null last.
        let tl = Timeline::events(&signins(), &opts(&["Result", "App"])).unwrap();
        let labels: Vec<&str> = tl.layout().groups.iter().map(|g| g.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "Failure / Portal",
                "Success / Exchange",
                "Success / Portal",
                "(null) / Teams"
            ]
        );
        let counts: Vec<u64> = tl.layout().groups.iter().map(|g| g.count).collect();
        assert_eq!(counts, [1, 1, 2, 1]);

        // No group_by: one navy row, no legend; a colour option.
        let tl = Timeline::events(&signins(), &TimelineOptions::default()).unwrap();
        assert_eq!(tl.layout().groups.len(), 1);
        assert_eq!((tl.layout().groups[0].rgb, tl.layout().groups[0].count), (NAVY, 5));
        assert_eq!(tl.layout().legend, LegendPosition::None);
        let red = TimelineOptions {
            color: Some("#ff0000".into()),
            source_columns: vec!["IPAddress".into()],
            ..TimelineOptions::default()
        };
        let tl = Timeline::events(&signins(), &red).unwrap();
        assert_eq!(tl.layout().groups[0].rgb, [255, 0, 0]);
        assert_eq!(tl.layout().hover_columns, ["TimeGenerated", "IPAddress"]);
    }

    #[test]
    fn bad_options_are_errors() {
        let f = signins();
        let e = Timeline::events(&f, &opts(&["Resul"])).unwrap_err().to_string();
        assert!(e.starts_with("unknown column 'Resul' (did you mean 'Result'?)"), "{e}");
        let e = Timeline::events(
            &f,
            &TimelineOptions {
                time_column: "Time".into(),
                ..TimelineOptions::default()
            },
        )
        .unwrap_err();
        assert!(e.to_string().starts_with("unknown column 'Time'"), "{e}");
        let e = Timeline::events(
            &f,
            &TimelineOptions {
                source_columns: vec!["Ip".into()],
                ..TimelineOptions::default()
            },
        )
        .unwrap_err();
        assert!(e.to_string().starts_with("unknown column 'Ip'"), "{e}");
        let e = Timeline::events(
            &f,
            &TimelineOptions {
                time_column: "Value".into(),
                ..TimelineOptions::default()
            },
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "column 'Value' is real, not a datetime");
        assert!(Timeline::values(&f, &TimelineOptions::default()).is_err());
        let e = Timeline::values(
            &f,
            &TimelineOptions {
                value_column: Some("App".into()),
                ..TimelineOptions::default()
            },
        );
        assert!(e.is_ok(), "text values that are not numbers are skipped, not an error"); // every value unparsable
        assert!(Timeline::duration(&f, &TimelineOptions::default()).is_err());
        assert!(Timeline::events(
            &f,
            &TimelineOptions {
                color: Some("blurple".into()),
                ..TimelineOptions::default()
            }
        )
        .is_err());
        assert!(LegendPosition::from_name("top").is_err());
        assert_eq!(ValueKind::from_name("VBAR").unwrap(), ValueKind::Vbar);
        assert_eq!(TimelineKind::from_name("duration").unwrap(), TimelineKind::Duration);
    }

    fn rgba(c: [u8; 3]) -> [u8; 4] {
        [c[0], c[1], c[2], 255]
    }

    const WHITE: [u8; 4] = [255, 255, 255, 255];

    #[test]
    fn raster_is_coloured_exactly_where_events_are() {
        let o = TimelineOptions {
            xgrid: false,
            ..opts(&["Result"])
        };
        let tl = Timeline::events(&signins(), &o).unwrap();
        let view = test_view();
        let r = tl.render(&view).unwrap();
        assert_eq!((r.width, r.height, r.rgba.len()), (960, 300, 960 * 300 * 4));
        assert_eq!(r.visible_events, 5);
        // Failure 10:30 → x 360, row 0 (y 50); Success 10:00/11:00/12:00 → x 240/480/720, row 1 (y 150);
        // (null) 09:00 → x 0, row 2 (y 250). Diamonds: 5 px up and down, 3 px left and right.
        let blue = rgba(CATEGORY10[0]);
        let orange = rgba(CATEGORY10[1]);
        let green = rgba(CATEGORY10[2]);
        assert_eq!(r.pixel(360, 50), Some(blue));
        assert_eq!(r.pixel(360, 45), Some(blue));
        assert_eq!(r.pixel(360, 55), Some(blue));
        assert_eq!(r.pixel(360, 44), Some(WHITE));
        assert_eq!(r.pixel(360, 56), Some(WHITE));
        assert_eq!(r.pixel(363, 50), Some(blue));
        assert_eq!(r.pixel(357, 50), Some(blue));
        assert_eq!(r.pixel(364, 50), Some(WHITE));
        assert_eq!(r.pixel(356, 50), Some(WHITE));
        assert_eq!(r.pixel(363, 45), Some(WHITE)); // a diamond, not a square
        for x in [240, 480, 720] {
            assert_eq!(r.pixel(x, 150), Some(orange), "x {x}");
            assert_eq!(r.pixel(x, 50), Some(WHITE), "x {x}");
        }
        assert_eq!(r.pixel(0, 250), Some(green));
        assert_eq!(r.pixel(3, 250), Some(green));
        assert_eq!(r.pixel(4, 250), Some(WHITE));
        // Everything else is background: count coloured pixels = 5 diamonds' worth (the one at x 0 is cut in half).
        // Scanline widths of a diamond for dy = 0, ±1 … ±5: 7, 5, 5, 3, 3, 1; the one at x 0 keeps 4, 3, 3, 2, 2, 1.
        let coloured = r.rgba.chunks(4).filter(|p| *p != WHITE).count();
        assert_eq!(
            coloured,
            4 * (7 + 2 * (5 + 5 + 3 + 3 + 1)) + (4 + 2 * (3 + 3 + 2 + 2 + 1))
        );

        // Legend toggles: a hidden group is not drawn (and not counted).
        let hidden = View {
            hidden: vec![0],
            ..test_view()
        };
        let r2 = tl.render(&hidden).unwrap();
        assert_eq!(r2.pixel(360, 50), Some(WHITE));
        assert_eq!(r2.pixel(480, 150), Some(orange));
        assert_eq!(r2.visible_events, 4);

        // Zoomed in on 10:20–10:40 over 960 px the Failure event is in the middle.
        let zoom = View::new(t("2024-01-15T10:20:00Z"), t("2024-01-15T10:40:00Z"), 960, 300);
        let r3 = tl.render(&zoom).unwrap();
        assert_eq!(r3.pixel(480, 50), Some(blue));
        assert_eq!(r3.visible_events, 1);

        // Transparent background: untouched pixels have alpha 0.
        let clear = View {
            background: [0, 0, 0, 0],
            ..test_view()
        };
        let r4 = tl.render(&clear).unwrap();
        assert_eq!(r4.pixel(100, 100).unwrap()[3], 0);
        assert_eq!(r4.pixel(360, 50), Some(blue));

        // Pixel ratio 2: diamonds twice as big.
        let hi = View {
            pixel_ratio: 2.0,
            ..test_view()
        };
        let r5 = tl.render(&hi).unwrap();
        assert_eq!(r5.pixel(360, 41), Some(blue));
        assert_eq!(r5.pixel(360, 39), Some(WHITE));
    }

    #[test]
    fn raster_grid_and_reference_lines() {
        let o = TimelineOptions {
            ygrid: true,
            ref_time: Some(t("2024-01-15T11:30:00Z")),
            ref_events: vec![RefEvent {
                time_ns: t("2024-01-15T12:30:00Z"),
                label: String::new(),
            }],
            ..opts(&["Result"])
        };
        let tl = Timeline::events(&signins(), &o).unwrap();
        let labels: Vec<&str> = tl.layout().ref_lines.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(labels, ["Ref time", "reference 0"]);
        let r = tl.render(&test_view()).unwrap();
        let grid = [0xe5, 0xe5, 0xe5, 255];
        // x grid at the half-hour ticks: 09:30 → x 120; y grid at the row centres.
        assert_eq!(r.pixel(120, 10), Some(grid));
        assert_eq!(r.pixel(100, 150), Some(grid));
        // Reference lines: dashed (4 on, 4 off), red at half strength, at 11:30 → x 600 and 12:30 → x 840.
        let pink = [255, 128, 128, 255];
        assert_eq!(r.pixel(600, 1), Some(pink));
        assert_eq!(r.pixel(600, 5), Some(grid)); // 11:30 is also a grid line: it shows between the dashes
        assert_eq!(r.pixel(840, 13), Some(grid));
        assert_eq!(r.pixel(840, 9), Some(pink));
    }

    #[test]
    fn overview_strip() {
        let tl = Timeline::events(&signins(), &opts(&["Result"])).unwrap();
        let r = tl.render_overview(780, 90, [255, 255, 255, 255]).unwrap();
        // Overview domain 08:33–12:27 (234 min on 780 px: 18 s a pixel); rows 30 px centred at 15, 45, 75.
        let x = |time: &str| ((t(time) - t("2024-01-15T08:33:00Z")) as f64 / (18.0 * SECOND as f64)).floor() as u32;
        assert_eq!(r.pixel(x("2024-01-15T10:30:00Z"), 15), Some(rgba(CATEGORY10[0])));
        assert_eq!(r.pixel(x("2024-01-15T12:00:00Z"), 45), Some(rgba(CATEGORY10[1])));
        assert_eq!(r.pixel(x("2024-01-15T09:00:00Z"), 75), Some(rgba(CATEGORY10[2])));
        assert_eq!(r.pixel(x("2024-01-15T10:30:00Z") + 1, 15), Some(WHITE));
        assert_eq!(r.visible_events, 5);
    }

    #[test]
    fn hit_testing_finds_rows() {
        let tl = Timeline::events(&signins(), &opts(&["Result"])).unwrap();
        let v = test_view();
        let rows = |x: f64, y: f64, radius: f64| -> Vec<u32> {
            tl.hit_test(&v, x, y, radius, 10).hits.iter().map(|h| h.row).collect()
        };
        // On the Failure diamond (frame row 1).
        assert_eq!(rows(360.5, 50.0, 0.0), [1]);
        let h = tl.hit_test(&v, 360.5, 50.0, 0.0, 10);
        assert_eq!((h.total, h.group), (1, Some(0)));
        assert_eq!(
            (h.hits[0].group, h.hits[0].time_ns, h.hits[0].x, h.hits[0].y),
            (0, t("2024-01-15T10:30:00Z"), 360.0, 50.0)
        );
        // Its edges: 3 px (+ radius) sideways, 5 px (+ radius) up and down.
        assert_eq!(rows(363.9, 50.0, 0.0), [1]);
        assert_eq!(rows(364.0, 50.0, 0.0), Vec::<u32>::new());
        assert_eq!(rows(366.5, 50.0, 3.0), [1]);
        assert_eq!(rows(360.0, 55.0, 0.0), [1]);
        assert_eq!(rows(360.0, 55.5, 0.0), Vec::<u32>::new());
        assert_eq!(rows(360.0, 58.0, 3.0), [1]);
        // Between rows: nothing, even right above an event.
        assert_eq!(rows(480.0, 100.0, 3.0), Vec::<u32>::new());
        assert!(tl.hit_test(&v, 480.0, 100.0, 3.0, 10).group.is_none());
        // Success row: nearest first with a wide radius.
        assert_eq!(rows(470.0, 150.0, 10.0), [2]);
        assert_eq!(rows(370.0, 150.0, 400.0), [2, 0, 5]); // 11:00 is nearer 10:32:30 than 10:00
        assert_eq!(rows(360.0, 150.0, 400.0), [0, 2, 5]); // a tie: the earlier first
        assert_eq!(rows(360.0, 150.0, 300.0), [0, 2]); // 12:00 (x 720) is beyond 303 px
        assert_eq!(tl.hit_test(&v, 370.0, 150.0, 400.0, 2).total, 3);
        assert_eq!(tl.hit_test(&v, 370.0, 150.0, 400.0, 2).hits.len(), 2);
        // The event at the view's left edge (x 0), and pointers outside the plot.
        assert_eq!(rows(0.0, 250.0, 0.0), [4]);
        assert_eq!(rows(-2.0, 250.0, 0.0), [4]);
        assert!(rows(100.0, -1.0, 50.0).is_empty());
        assert!(rows(100.0, 300.0, 50.0).is_empty());
        assert!(rows(f64::NAN, 50.0, 5.0).is_empty());
        // Hidden groups are not hit.
        let hidden = View {
            hidden: vec![0],
            ..test_view()
        };
        assert!(tl.hit_test(&hidden, 360.5, 50.0, 0.0, 10).hits.is_empty());
    }

    #[test]
    fn values_timeline() {
        let o = TimelineOptions {
            value_column: Some("Value".into()),
            xgrid: false,
            ..opts(&["Result"])
        };
        let tl = Timeline::values(&signins(), &o).unwrap();
        let l = tl.layout();
        assert_eq!((l.events, l.skipped_no_time, l.skipped_no_value), (4, 2, 1));
        assert_eq!(
            l.notes,
            [
                "2 events without a time were skipped",
                "1 event without a numeric value was skipped"
            ]
        );
        assert_eq!((l.value_min, l.value_max), (Some(-2.0), Some(7.0)));
        assert_eq!(l.legend, LegendPosition::Inline);
        assert_eq!((l.title.as_str(), l.y_label.as_str()), ("Timeline", "Value"));
        assert_eq!(l.hover_columns, ["TimeGenerated", "Result", "Value"]);
        // Value axis on 300 px with 4 px padding: -2 → 296, 7 → 4, 0 → 296 - 2/9 × 292.
        let v = test_view();
        let ys = tl.value_scale(300.0, 1.0);
        assert_eq!((ys.to_px(-2.0), ys.to_px(7.0)), (296.0, 4.0));
        let zero = ys.to_px(0.0);
        let r = tl.render(&v).unwrap();
        // Failure 10:30 = 7 → a bar from y 4 to the zero line at x 359..361.
        let bar = rgba(huntbook::vis::color::tint(CATEGORY10[0], [255, 255, 255], 0.7));
        for y in [5, 100, (zero - 1.0) as u32] {
            assert_eq!(r.pixel(360, y), Some(bar), "y {y}");
        }
        assert_eq!(r.pixel(360, 2), Some(WHITE));
        assert_eq!(r.pixel(363, 100), Some(WHITE));
        // (null) 09:00 = -2: a bar below zero at x 0.
        let green = rgba(huntbook::vis::color::tint(CATEGORY10[2], [255, 255, 255], 0.7));
        assert_eq!(r.pixel(0, 290), Some(green));
        let y_ticks: Vec<String> = tl.y_ticks(&v).into_iter().map(|k| k.label).collect();
        assert_eq!(y_ticks, ["-2", "0", "2", "4", "6"]);
        // Hover over the bar's body.
        let h = tl.hit_test(&v, 360.5, 150.0, 0.0, 5);
        assert_eq!(h.hits.iter().map(|x| x.row).collect::<Vec<_>>(), [1]);
        assert_eq!(h.hits[0].value, Some(7.0));
        assert!(tl.hit_test(&v, 600.5, 150.0, 0.0, 5).hits.is_empty());

        // Lines and circles draw too, and circles are hit at their centre.
        let o = TimelineOptions {
            value_column: Some("Value".into()),
            kind: vec![ValueKind::Line, ValueKind::Circle],
            xgrid: false,
            ..opts(&["Result"])
        };
        let tl = Timeline::values(&signins(), &o).unwrap();
        assert_eq!(tl.layout().value_min, Some(-2.0));
        let r = tl.render(&v).unwrap();
        let ys = tl.value_scale(300.0, 1.0);
        let (x, y) = (720u32, ys.to_px(3.0).floor() as u32);
        let orange = rgba(huntbook::vis::color::tint(CATEGORY10[1], [255, 255, 255], 0.7));
        assert_eq!(r.pixel(x, y), Some(orange));
        // The line from (240, 5) to (720, 3) passes x 480 near the value 4.
        let y480 = ys.to_px(4.0);
        let line_px = (y480 - 2.0) as u32..(y480 + 3.0) as u32;
        assert!(
            line_px.clone().any(|yy| r.pixel(480, yy) != Some(WHITE)),
            "line at x 480 near y {y480}"
        );
        let h = tl.hit_test(&v, 720.5, ys.to_px(3.0), 1.0, 5);
        assert_eq!(h.hits.iter().map(|x| x.row).collect::<Vec<_>>(), [5]);
    }

    #[test]
    fn duration_timeline() {
        let o = TimelineOptions {
            xgrid: false,
            ..opts(&["Result"])
        };
        let tl = Timeline::duration(&signins(), &o).unwrap();
        let l = tl.layout();
        assert_eq!(l.title, "Event Duration Timeline for Result");
        assert_eq!((l.legend, l.y_label.as_str()), (LegendPosition::None, "Result"));
        assert!(l.groups.iter().all(|g| g.rgb == NAVY));
        let r = tl.render(&test_view()).unwrap();
        // Success bar 10:00–12:00 → x 240..720 on row 1, 30% of 100 px high, navy at 40%.
        let bar = rgba(huntbook::vis::color::tint(NAVY, [255, 255, 255], 0.4));
        assert_eq!(r.pixel(400, 150), Some(bar));
        assert_eq!(r.pixel(400, 136), Some(bar));
        assert_eq!(r.pixel(400, 130), Some(WHITE));
        assert_eq!(r.pixel(730, 150), Some(WHITE));
        assert_eq!(r.pixel(480, 150), Some(rgba(NAVY))); // an event on the bar
                                                         // Hovering the bar away from events gives the group, no events.
        let h = tl.hit_test(&test_view(), 400.0, 150.0, 0.0, 5);
        assert_eq!((h.hits.len(), h.group), (0, Some(1)));
        let h = tl.hit_test(&test_view(), 480.0, 150.0, 0.0, 5);
        assert_eq!(h.hits.iter().map(|x| x.row).collect::<Vec<_>>(), [2]);
        // An end column extends the bars.
        let f = signins()
            .add_time("End", "TimeGenerated", &serde_json::json!("30m"))
            .unwrap();
        let o = TimelineOptions {
            end_time_column: Some("End".into()),
            ..opts(&["Result"])
        };
        let tl = Timeline::duration(&f, &o).unwrap();
        assert_eq!(tl.layout().groups[1].last_ns, t("2024-01-15T12:30:00Z"));
    }

    #[test]
    fn range_tool_clamping() {
        let (lo, hi) = (t("2024-01-15T00:00:00Z"), t("2024-01-16T00:00:00Z"));
        let ov = TimeScale::with_extent(lo, hi, 960.0, lo, hi); // 90 s a pixel
        let (a, b) = (t("2024-01-15T06:00:00Z"), t("2024-01-15T12:00:00Z")); // x 240 .. 480
        assert_eq!(range_handle_at(&ov, a, b, 300.0, 4.0), RangeHandle::Inside);
        assert_eq!(range_handle_at(&ov, a, b, 243.0, 4.0), RangeHandle::Left);
        assert_eq!(range_handle_at(&ov, a, b, 236.5, 4.0), RangeHandle::Left);
        assert_eq!(range_handle_at(&ov, a, b, 479.0, 4.0), RangeHandle::Right);
        assert_eq!(range_handle_at(&ov, a, b, 100.0, 4.0), RangeHandle::Outside);
        assert_eq!(range_handle_at(&ov, a, b, f64::NAN, 4.0), RangeHandle::Outside);
        let r = |s: &str, e: &str| TimeRange {
            start_ns: t(s),
            end_ns: t(e),
        };
        // Moving keeps the span and stops at the domain.
        assert_eq!(
            drag_range(&ov, RangeHandle::Inside, a, b, 40.0),
            r("2024-01-15T07:00:00Z", "2024-01-15T13:00:00Z")
        );
        assert_eq!(
            drag_range(&ov, RangeHandle::Inside, a, b, -1000.0),
            r("2024-01-15T00:00:00Z", "2024-01-15T06:00:00Z")
        );
        assert_eq!(
            drag_range(&ov, RangeHandle::Inside, a, b, 1e12),
            r("2024-01-15T18:00:00Z", "2024-01-16T00:00:00Z")
        );
        // Resizing moves one edge, never past the other (1 ms apart) nor out of the domain.
        assert_eq!(
            drag_range(&ov, RangeHandle::Left, a, b, -80.0),
            r("2024-01-15T04:00:00Z", "2024-01-15T12:00:00Z")
        );
        assert_eq!(
            drag_range(&ov, RangeHandle::Left, a, b, 5000.0),
            TimeRange {
                start_ns: b - MS,
                end_ns: b
            }
        );
        assert_eq!(
            drag_range(&ov, RangeHandle::Right, a, b, -5000.0),
            TimeRange {
                start_ns: a,
                end_ns: a + MS
            }
        );
        assert_eq!(
            drag_range(&ov, RangeHandle::Right, a, b, 5000.0),
            r("2024-01-15T06:00:00Z", "2024-01-16T00:00:00Z")
        );
        assert_eq!(
            drag_range(&ov, RangeHandle::Outside, a, b, 50.0),
            r("2024-01-15T06:00:00Z", "2024-01-15T12:00:00Z")
        );
        assert_eq!(
            drag_range(&ov, RangeHandle::Inside, a, b, f64::NAN),
            r("2024-01-15T06:00:00Z", "2024-01-15T12:00:00Z")
        );
        // A click outside recentres; inverted, tiny and too-wide ranges are fixed.
        assert_eq!(
            center_range_at(&ov, a, b, 720.0),
            r("2024-01-15T15:00:00Z", "2024-01-15T21:00:00Z")
        );
        assert_eq!(
            center_range_at(&ov, a, b, 955.0),
            r("2024-01-15T18:00:00Z", "2024-01-16T00:00:00Z")
        );
        assert_eq!(
            clamp_range(b, a, lo, hi),
            r("2024-01-15T06:00:00Z", "2024-01-15T12:00:00Z")
        );
        assert_eq!(
            clamp_range(a, a, lo, hi),
            TimeRange {
                start_ns: a - MS / 2,
                end_ns: a + MS / 2
            }
        );
        assert_eq!(
            clamp_range(lo - DAY, hi + DAY, lo, hi),
            TimeRange {
                start_ns: lo,
                end_ns: hi
            }
        );
        assert_eq!(
            clamp_range(hi - HOUR, hi + HOUR, lo, hi),
            TimeRange {
                start_ns: hi - 2 * HOUR,
                end_ns: hi
            }
        );
        assert_eq!(
            clamp_range(i64::MIN, i64::MAX, i64::MIN, i64::MAX),
            TimeRange {
                start_ns: i64::MIN,
                end_ns: i64::MAX
            }
        );
        // The main scale's own clamping: zoom out stops at 10× the data span, pan at the extent.
        let tl = Timeline::events(&signins(), &opts(&["Result"])).unwrap();
        let mut s = tl.initial_scale(900.0);
        s.zoom(0.001, 450.0);
        assert_eq!(s.span(), 30 * HOUR);
        s.pan(1e6);
        assert_eq!(s.start(), tl.layout().extent_start_ns);
        s.zoom(1e12, 0.0);
        assert_eq!((s.start(), s.span()), (tl.layout().extent_start_ns, MS));
        let _ = MINUTE;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The Tour's sign-ins

    #[test]
    fn tour_signins_by_result() {
        let f = tour();
        let o = TimelineOptions {
            source_columns: vec!["AppDisplayName".into(), "IPAddress".into(), "UserPrincipalName".into()],
            ..opts(&["Result"])
        };
        let tl = Timeline::events(&f, &o).unwrap();
        let l = tl.layout();
        let groups: Vec<(&str, u64)> = l.groups.iter().map(|g| (g.label.as_str(), g.count)).collect();
        assert_eq!(groups, [("Failed", 2), ("Sucess", 84)]); // sic: the Tour's data spells it so
        assert_eq!((l.events, l.skipped_no_time), (86, 0));
        assert!(l.notes.is_empty());
        assert_eq!(l.data_start_ns, Some(t("2021-06-29T13:05:31.768304Z")));
        assert_eq!(l.data_end_ns, Some(t("2021-06-30T01:51:10.144304Z")));
        assert_eq!(
            (l.groups[0].first_ns, l.groups[0].last_ns),
            (t("2021-06-29T17:46:45.376304Z"), t("2021-06-29T17:46:45.376304Z"))
        );
        assert_eq!(
            l.hover_columns,
            [
                "TimeGenerated",
                "Result",
                "AppDisplayName",
                "IPAddress",
                "UserPrincipalName"
            ]
        );
        // Hovering the failed sign-ins finds both rows (9 and 10, at the same time).
        let v = tl.initial_view(900, 300);
        let s = v.scale();
        let x = s.to_px(t("2021-06-29T17:46:45.376304Z"));
        let h = tl.hit_test(&v, x, tl.row_center(0, 300.0), 2.0, 10);
        let mut rows: Vec<u32> = h.hits.iter().map(|x| x.row).collect();
        rows.sort();
        assert_eq!((rows, h.total), (vec![9, 10], 2));
        let r = tl.render(&v).unwrap();
        assert_eq!(r.pixel(x.floor() as u32, 75), Some(rgba(CATEGORY10[0])));
        assert_eq!(r.visible_events, 86);

        // Grouped by result and app: 12 groups, Category20.
        let tl = Timeline::events(&f, &opts(&["Result", "AppDisplayName"])).unwrap();
        let l = tl.layout();
        assert_eq!(l.groups.len(), 12);
        assert_eq!(
            (l.groups[0].label.as_str(), l.groups[0].count),
            ("Failed / Office 365 SharePoint Online", 2)
        );
        assert_eq!(
            (l.groups[9].label.as_str(), l.groups[9].count),
            ("Sucess / Office365 Shell WCSS-Client", 33)
        );
        assert_eq!(l.groups[1].rgb, CATEGORY20[1]);
        assert_eq!(l.height, 480);
        // By IP.
        let tl = Timeline::events(&f, &opts(&["IPAddress"])).unwrap();
        let groups: Vec<(&str, u64)> = tl.layout().groups.iter().map(|g| (g.label.as_str(), g.count)).collect();
        assert_eq!(
            groups,
            [
                ("109.88.218.99", 61),
                ("136.55.145.135", 4),
                ("24.13.212.221", 2),
                ("24.16.133.227", 4),
                ("73.226.223.252", 4),
                ("73.35.204.105", 11)
            ]
        );
    }

    #[test]
    fn tour_quick_charts() {
        let f = tour();
        let bars = bar_chart(
            &f,
            "IPAddress",
            &BarOptions {
                top_n: 3,
                ..BarOptions::default()
            },
        )
        .unwrap();
        let got: Vec<(&str, u64, bool)> = bars.bars.iter().map(|b| (b.label.as_str(), b.count, b.other)).collect();
        assert_eq!(
            got,
            [
                ("109.88.218.99", 61, false),
                ("73.35.204.105", 11, false),
                ("24.16.133.227", 4, false),
                ("other", 10, true)
            ]
        );
        assert_eq!((bars.total, bars.nulls, bars.categories, bars.height), (86, 0, 6, 100));
        // 61 is the longest bar; the axis is nice (0–70), so it spans 61/70 of 600 px.
        assert!((bars.bars[0].width - 600.0 * 61.0 / 70.0).abs() < 1e-9);
        assert_eq!((bars.bars[0].y, bars.bars[0].height), (2.5, 20.0));
        assert_eq!(
            bars.x_ticks.iter().map(|k| k.label.as_str()).collect::<Vec<_>>(),
            ["0", "10", "20", "30", "40", "50", "60", "70"]
        );

        let pie = pie_chart(&f, "Result", &PieOptions::default()).unwrap();
        let got: Vec<(&str, &str)> = pie
            .wedges
            .iter()
            .map(|w| (w.label.as_str(), w.percent.as_str()))
            .collect();
        assert_eq!(got, [("Sucess", "97.7%"), ("Failed", "2.3%")]);
        assert!((pie.wedges[0].start_angle + std::f64::consts::FRAC_PI_2).abs() < 1e-12);
        assert!((pie.wedges[1].end_angle - 1.5 * std::f64::consts::PI).abs() < 1e-9);

        let h = histogram(&f, "TimeGenerated", &HistogramOptions::default()).unwrap();
        assert!(h.is_time);
        assert_eq!(
            h.bins.iter().map(|b| b.count).collect::<Vec<_>>(),
            [12, 7, 0, 2, 15, 24, 13, 4, 4, 5]
        );
        assert_eq!(h.bins[0].start_ns, Some(1624971931768304000));
        assert_eq!(h.bins[9].end_ns, Some(1625017870144304000));
        assert_eq!((h.total, h.skipped), (86, 0));
        // Counts axis 0–25 (nice) on 300 px: the tallest bin (24) is 288 px high.
        assert!((h.bins[5].y - 12.0).abs() < 1e-9 && (h.bins[5].height - 288.0).abs() < 1e-9);
        assert_eq!(
            h.y_ticks.iter().map(|k| k.label.as_str()).collect::<Vec<_>>(),
            ["0", "5", "10", "15", "20", "25"]
        );
        let lat = histogram(
            &f,
            "Latitude",
            &HistogramOptions {
                bins: 4,
                ..HistogramOptions::default()
            },
        )
        .unwrap();
        assert_eq!(lat.bins.iter().map(|b| b.count).sum::<u64>(), 86);
        assert!(!lat.is_time);

        let line = line_chart(&f, "TimeGenerated", &["Latitude".to_string()], &LineOptions::default()).unwrap();
        assert_eq!(line.series[0].points.len(), 86);
        assert!(line.series[0].points.windows(2).all(|w| w[0].time_ns <= w[1].time_ns));
        assert_eq!(
            (line.x_start_ns, line.x_end_ns),
            (1624971931768304000, 1625017870144304000)
        );
        assert_eq!(line.series[0].points[0].x, 0.0);
        assert_eq!(line.x_ticks.unit, "hour");
        assert!(line_chart(
            &f,
            "TimeGenerated",
            &["AppDisplayName".to_string()],
            &LineOptions::default()
        )
        .is_ok());
        assert!(line_chart(&f, "TimeGenerated", &["Nope".to_string()], &LineOptions::default()).is_err());
        assert!(line_chart(&f, "IsRisky", &["Latitude".to_string()], &LineOptions::default()).is_err());
        assert!(bar_chart(&f, "Nope", &BarOptions::default()).is_err());
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Nothing panics

    fn time_frame(times: &[Option<i64>], groups: &[Option<&str>], values: &[Option<f64>]) -> Frame {
        let t = Int64Chunked::from_iter_options("TimeGenerated".into(), times.iter().copied())
            .into_datetime(TimeUnit::Nanoseconds, None)
            .into_series()
            .into_column();
        let g = Series::new(
            "Result".into(),
            groups
                .iter()
                .map(|g| g.map(String::from))
                .collect::<Vec<Option<String>>>(),
        )
        .into_column();
        let v = Series::new("Value".into(), values.to_vec()).into_column();
        Frame::new("T", DataFrame::new(times.len(), vec![t, g, v]).unwrap())
    }

    fn exercise(f: &Frame) {
        for kind in [TimelineKind::Events, TimelineKind::Values, TimelineKind::Duration] {
            for kinds in [vec![ValueKind::Vbar], vec![ValueKind::Line, ValueKind::Circle]] {
                let o = TimelineOptions {
                    value_column: Some("Value".into()),
                    kind: kinds,
                    ygrid: true,
                    ref_time: Some(i64::MAX),
                    ref_events: vec![RefEvent {
                        time_ns: i64::MIN,
                        label: "x".into(),
                    }],
                    ..opts(&["Result"])
                };
                let tl = Timeline::new(f, kind, &o).unwrap();
                let l = tl.layout().clone();
                let mut views = vec![
                    tl.initial_view(300, 100),
                    tl.initial_view(0, 100),
                    tl.initial_view(300, 0),
                    tl.initial_view(1, 1),
                    View::new(i64::MIN, i64::MAX, 200, 50),
                    View::new(i64::MAX, i64::MIN, 200, 50),
                    View::new(5, 5, 200, 50),
                    View {
                        hidden: vec![0, 1, 99, u32::MAX],
                        pixel_ratio: f64::NAN,
                        ..tl.initial_view(64, 64)
                    },
                    View {
                        pixel_ratio: 1e9,
                        background: [0, 0, 0, 0],
                        ..tl.initial_view(64, 64)
                    },
                ];
                let mut s = tl.initial_scale(300.0);
                for (factor, anchor) in [
                    (1e300, 0.0),
                    (1e-300, 300.0),
                    (2.0, f64::NAN),
                    (0.5, -1e300),
                    (f64::MIN_POSITIVE, 1e300),
                ] {
                    s.zoom(factor, anchor);
                    s.pan(anchor);
                    views.push(View::of_scale(&s, 80));
                    let _ = s.ticks();
                }
                for v in &views {
                    let r = tl.render(v).unwrap();
                    assert_eq!(r.rgba.len(), v.width as usize * v.height as usize * 4);
                    let _ = tl.x_ticks(v);
                    let _ = tl.y_ticks(v);
                    for (x, y) in [
                        (0.0, 0.0),
                        (-1.0, 5.0),
                        (1e300, 1e300),
                        (f64::NAN, 1.0),
                        (f64::INFINITY, 1.0),
                        (10.0, 10.0),
                    ] {
                        for radius in [0.0, 3.0, f64::NAN, -5.0, 1e300] {
                            let h = tl.hit_test(v, x, y, radius, 5);
                            assert!(h.hits.len() <= 5);
                        }
                    }
                }
                let _ = tl.render_overview(0, 0, [0; 4]).unwrap();
                let _ = tl.render_overview(100, 3, [255; 4]).unwrap();
                assert!(tl.render(&View::new(0, 1, 100_000, 100_000)).is_err());
                assert!(tl.render(&View::new(0, 1, 16_384, 16_384)).is_err());
                let ov = tl.overview_scale(100.0);
                for h in [
                    RangeHandle::Inside,
                    RangeHandle::Left,
                    RangeHandle::Right,
                    RangeHandle::Outside,
                ] {
                    for dx in [0.0, 1e300, -1e300, f64::NAN] {
                        let r = drag_range(&ov, h, l.overview_start_ns, l.overview_end_ns, dx);
                        assert!(r.start_ns < r.end_ns);
                    }
                }
                let _ = center_range_at(&ov, i64::MAX, i64::MIN, f64::INFINITY);
            }
        }
        for col in ["TimeGenerated", "Value"] {
            let _ = histogram(
                f,
                col,
                &HistogramOptions {
                    bins: 0,
                    width: 0,
                    height: 0,
                    color: None,
                    ..HistogramOptions::default()
                },
            )
            .unwrap();
            let _ = histogram(
                f,
                col,
                &HistogramOptions {
                    bins: usize::MAX,
                    ..HistogramOptions::default()
                },
            )
            .unwrap();
        }
        let _ = line_chart(
            f,
            "TimeGenerated",
            &["Value".to_string()],
            &LineOptions { width: 1, height: 0, ..LineOptions::default() },
        )
        .unwrap();
        let _ = bar_chart(
            f,
            "Result",
            &BarOptions {
                top_n: 0,
                dropna: false,
                width: 0,
                height: Some(0),
                ..BarOptions::default()
            },
        )
        .unwrap();
        let _ = pie_chart(
            f,
            "Result",
            &PieOptions {
                top_n: usize::MAX,
                size: 0,
                ..PieOptions::default()
            },
        )
        .unwrap();
    }

    #[test]
    fn no_input_panics() {
        let empty = time_frame(&[], &[], &[]);
        exercise(&empty);
        let tl = Timeline::events(&empty, &opts(&["Result"])).unwrap();
        assert_eq!(tl.layout().notes, ["No data to plot."]);
        let all_null = time_frame(&[None, None], &[Some("a"), None], &[Some(1.0), None]);
        exercise(&all_null);
        assert_eq!(
            Timeline::events(&all_null, &opts(&["Result"]))
                .unwrap()
                .layout()
                .skipped_no_time,
            2
        );
        let single = time_frame(&[Some(t("2024-01-15T10:00:00Z"))], &[Some("a")], &[Some(1.0)]);
        exercise(&single);
        let tl = Timeline::events(&single, &opts(&["Result"])).unwrap();
        assert_eq!(
            (tl.layout().view_start_ns, tl.layout().view_end_ns),
            (t("2024-01-15T09:59:30Z"), t("2024-01-15T10:00:30Z"))
        );
        let v = tl.initial_view(600, 300);
        let r = tl.render(&v).unwrap();
        assert_eq!(r.pixel(300, 150), Some(rgba(CATEGORY10[0])));
        let one_time = vec![Some(t("2024-01-15T10:00:00Z")); 1000];
        let same = time_frame(&one_time, &vec![Some("a"); 1000], &vec![Some(f64::NAN); 1000]);
        exercise(&same);
        let tl = Timeline::events(&same, &opts(&["Result"])).unwrap();
        let h = tl.hit_test(&tl.initial_view(600, 300), 300.0, 150.0, 1.0, 7);
        assert_eq!((h.hits.len(), h.total), (7, 1000));
        let extremes = time_frame(
            &[Some(i64::MIN), Some(i64::MAX), Some(0), Some(-1), None],
            &[Some("a"), Some("b"), None, Some("a"), Some("b")],
            &[
                Some(f64::MAX),
                Some(-f64::MAX),
                Some(f64::INFINITY),
                Some(f64::NAN),
                Some(0.0),
            ],
        );
        exercise(&extremes);
        let tl = Timeline::values(
            &extremes,
            &TimelineOptions {
                value_column: Some("Value".into()),
                ..opts(&["Result"])
            },
        )
        .unwrap();
        assert_eq!(
            (
                tl.layout().events,
                tl.layout().skipped_no_time,
                tl.layout().skipped_no_value
            ),
            (2, 1, 2)
        );
        let nan_values = time_frame(
            &[Some(1), Some(2)],
            &[None, None],
            &[Some(f64::NAN), Some(f64::NEG_INFINITY)],
        );
        exercise(&nan_values);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 10^6 events (timing printout, not an assertion): `cargo test --release --test vis -- --ignored --nocapture`

    #[test]
    #[ignore]
    fn million_events_timing() {
        let n = 1_000_000usize;
        let start = t("2024-01-01T00:00:00Z");
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut rnd = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let results = [
            "Success",
            "Failure",
            "Interrupted",
            "MFA required",
            "Blocked",
            "Expired",
        ];
        let mut times = Vec::with_capacity(n);
        let mut groups = Vec::with_capacity(n);
        let mut values = Vec::with_capacity(n);
        for _ in 0..n {
            times.push(Some(start + (rnd() % (30 * DAY as u64)) as i64));
            groups.push(Some(results[(rnd() % results.len() as u64) as usize]));
            values.push(Some((rnd() % 1000) as f64));
        }
        let f = time_frame(&times, &groups, &values);
        // Log Analytics usually returns rows newest first: the same events in that order.
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(times[i]));
        let sorted = time_frame(
            &order.iter().map(|&i| times[i]).collect::<Vec<_>>(),
            &order.iter().map(|&i| groups[i]).collect::<Vec<_>>(),
            &order.iter().map(|&i| values[i]).collect::<Vec<_>>(),
        );
        let (w, h) = (1200u32, 400u32);
        // Each time is the minimum and median of 5 runs (the machine may be busy with other builds).
        let ms = |f: &mut dyn FnMut()| {
            let mut v: Vec<f64> = (0..5)
                .map(|_| {
                    let t = Instant::now();
                    f();
                    t.elapsed().as_secs_f64() * 1e3
                })
                .collect();
            v.sort_by(f64::total_cmp);
            (v[0], v[2])
        };
        let runs = [
            ("Events", &f, TimelineKind::Events, ValueKind::Vbar),
            (
                "Events (rows newest first)",
                &sorted,
                TimelineKind::Events,
                ValueKind::Vbar,
            ),
            ("Values vbar", &f, TimelineKind::Values, ValueKind::Vbar),
            ("Values line", &f, TimelineKind::Values, ValueKind::Line),
            ("Values circle", &f, TimelineKind::Values, ValueKind::Circle),
            ("Duration", &f, TimelineKind::Duration, ValueKind::Vbar),
        ];
        for (what, frame, kind, value_kind) in runs {
            let o = TimelineOptions {
                value_column: Some("Value".into()),
                kind: vec![value_kind],
                ..opts(&["Result"])
            };
            let (layout_min, layout_med) = ms(&mut || {
                let _ = Timeline::new(frame, kind, &o).unwrap();
            });
            let tl = Timeline::new(frame, kind, &o).unwrap();
            let v = tl.initial_view(w, h);
            let r = tl.render(&v).unwrap();
            let (raster_min, raster_med) = ms(&mut || {
                let _ = tl.render(&v).unwrap();
            });
            let (overview_min, _) = ms(&mut || {
                let _ = tl.render_overview(w, 120, [255; 4]).unwrap();
            });
            let mut s = tl.initial_scale(w as f64);
            let mut redraw = Vec::new();
            for step in 0..20 {
                s.zoom(if step < 10 { 1.5 } else { 1.0 / 1.5 }, 600.0);
                let view = View::of_scale(&s, h);
                let t3 = Instant::now();
                let _ = tl.render(&view).unwrap();
                redraw.push(t3.elapsed().as_secs_f64() * 1e3);
            }
            redraw.sort_by(f64::total_cmp);
            let t4 = Instant::now();
            for i in 0..1000 {
                let _ = tl.hit_test(&v, (i % w) as f64, (i % h) as f64, 3.0, 10);
            }
            let hover_us = t4.elapsed().as_secs_f64() * 1e3;
            println!(
                "{what}: {n} events, {} groups, {w}×{h} — layout {layout_min:.1} ms (median {layout_med:.1}), \
                 first raster {raster_min:.1} ms (median {raster_med:.1}), first draw {:.1} ms; overview {overview_min:.1} ms; \
                 redraw after zoom median {:.1} ms / max {:.1} ms; hover {hover_us:.1} µs each",
                tl.group_count(),
                layout_min + raster_min,
                redraw[redraw.len() / 2],
                redraw[redraw.len() - 1],
            );
            assert_eq!(r.visible_events, n as u64);
        }
    }

    /// Options objects as a notebook passes them, read by the one options reader into the vis option structs.
    #[test]
    fn options_objects_are_read_by_the_options_reader() {
        use huntbook::options::read;
        use serde_json::json;
        let o: TimelineOptions = read(
            "timeline",
            &json!({"groupBy": "Host", "legend": false, "kind": "line", "width": 640.4, "refTime": "2024-03-01T09:00:00",
                    "ref_events": [1709290800000.5_f64, {"time": "2024-03-01T11:00:00+01:00", "Label": "spray"}]}),
        )
        .unwrap();
        assert_eq!(o.group_by, ["Host"]);
        assert_eq!(o.legend, Some(LegendPosition::None));
        assert_eq!(o.kind, [ValueKind::Line]);
        assert_eq!(o.width, 640);
        assert_eq!(o.ref_time, Some(t("2024-03-01T09:00:00Z")));
        assert_eq!(
            o.ref_events,
            [
                RefEvent { time_ns: t("2024-03-01T11:00:00Z") + 500_000, label: String::new() },
                RefEvent { time_ns: t("2024-03-01T10:00:00Z"), label: "spray".into() },
            ]
        );
        let o: TimelineOptions = read("timeline", &json!({"legend": true, "kind": ["VBar", "circle"]})).unwrap();
        assert_eq!((o.legend, o.kind), (None, vec![ValueKind::Vbar, ValueKind::Circle]));

        let err = |v| read::<TimelineOptions>("timeline", &v).unwrap_err().to_string();
        let e = err(json!({"titel": "x"}));
        assert!(e.starts_with("timeline: unknown option 'titel' (did you mean 'title'?). Options are: time_column, "), "{e}");
        assert!(e.ends_with(", value_column, kind"), "{e}");
        assert_eq!(
            err(json!({"legend": "top"})),
            "timeline: option 'legend': 'top' is not a legend position (left, right, inline or none)"
        );
        assert!(err(json!({"ref_time": "yesterday-ish"})).starts_with("timeline: option 'ref_time': 'yesterday-ish' is not a datetime"));
        assert_eq!(err(json!({"height": -3})), "timeline: option 'height': expected a positive number of pixels, got -3");
        assert!(err(json!({"kind": "pie"})).starts_with("timeline: option 'kind': 'pie' is not a value plot kind"));
        assert!(err(json!({"ref_events": [{"label": "x"}]})).starts_with("timeline: option 'ref_events[0]': expected a time"));

        let b: BarOptions = read("barChart", &json!({"column": "IP", "topN": 3, "height": "120"})).unwrap();
        assert_eq!((b.column.as_deref(), b.top_n, b.height), (Some("IP"), 3, Some(120)));
        let e = read::<BarOptions>("barChart", &json!({"topn": 3})).unwrap_err().to_string();
        assert!(e.starts_with("barChart: unknown option 'topn' (did you mean 'top_n'?). Options are: column, "), "{e}");
        let l: LineOptions = read("lineChart", &json!({"timeColumn": "T", "columns": "A"})).unwrap();
        assert_eq!((l.x.as_str(), l.y), ("T", vec!["A".to_string()]));
        let p: PieOptions = read("pieChart", &json!({"legend": false})).unwrap();
        assert!(!p.legend);
        let h: HistogramOptions = read("histogram", &json!({"bins": 20})).unwrap();
        assert_eq!(h.bins, 20);
    }

    /// A DataFrame given as `ref_events`: times from the time column, labels from `ref_col`.
    #[test]
    fn reference_events_from_a_frame() {
        let refs = frame(
            r#"{"tables":[{"name":"R","columns":[{"name":"TimeGenerated","type":"datetime"},{"name":"Label","type":"string"}],
            "rows":[["2024-03-01T10:00:00Z","spray"],["2024-03-02T00:00:00Z",null]]}]}"#,
        );
        let o = TimelineOptions { ref_col: Some("Label".into()), ..TimelineOptions::default() };
        let r = huntbook::vis::ref_events_of(&refs, &o).unwrap();
        assert_eq!(
            r,
            [
                RefEvent { time_ns: t("2024-03-01T10:00:00Z"), label: "spray".into() },
                RefEvent { time_ns: t("2024-03-02T00:00:00Z"), label: String::new() },
            ]
        );
        let o = TimelineOptions { ref_col: Some("Lable".into()), ..TimelineOptions::default() };
        let e = huntbook::vis::ref_events_of(&refs, &o).unwrap_err().to_string();
        assert!(e.contains("Lable") && e.contains("Label"), "{e}");
    }

    /// Issue #14: 10,000 groups draw as the 1,000 with the most events (in label order), with a note for the rest.
    #[test]
    fn ten_thousand_groups_are_bounded_with_a_note() {
        let mut rows = Vec::new();
        for i in 0..10_000 {
            let copies = if i % 10 == 0 { 2 } else { 1 };
            for c in 0..copies {
                rows.push(format!(r#"["2024-03-0{}T{:02}:{:02}:{:02}Z","host-{i:05}"]"#, 1 + c, i / 3600, i / 60 % 60, i % 60));
            }
        }
        let f = frame(&format!(
            r#"{{"tables":[{{"name":"T","columns":[{{"name":"TimeGenerated","type":"datetime"}},{{"name":"Computer","type":"string"}}],"rows":[{}]}}]}}"#,
            rows.join(",")
        ));
        assert_eq!(f.height(), 11_000);
        let tl = Timeline::events(&f, &opts(&["Computer"])).unwrap();
        let l = tl.layout();
        assert_eq!(l.groups.len(), huntbook::vis::timeline::MAX_GROUPS);
        assert_eq!(l.groups.len(), 1_000);
        assert!(l.groups.iter().enumerate().all(|(k, g)| g.label == format!("host-{:05}", k * 10) && g.count == 2));
        assert_eq!(l.events, 2_000);
        assert_eq!(
            l.notes,
            ["showing 1000 of 10000 groups (those with the most events): 9000 groups with 9000 events are not drawn; \
              filter the table or group by a column with fewer values"]
        );
        assert_eq!(l.height, 16_384);
        let r = tl.render(&tl.initial_view(900, 2000)).unwrap();
        assert!(r.rgba.iter().any(|&b| b != 255));
    }
}

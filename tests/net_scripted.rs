//! The transport seam from outside the crate: a Log Analytics query, and a batch of lookups through one service with
//! its rate limit, the session cache and the bounded fan-out, all on the scripted transport and its fake clock
//! (`net::testing`, enabled for `cargo test` by the crate's dev-dependency on itself with the `testing` feature).

use std::cell::{Cell, RefCell};

use huntbook::net::testing::{block_on, response, Scripted};
use huntbook::net::{
    fan_out, Endpoint, HttpRequest, NetError, RateLimit, ResponseCache, RetryPolicy, Secret, SecretSource, Service,
};
use huntbook::query::loganalytics::{run_query, Workspace, TOKEN_SOURCE};
use huntbook::time::TimeRange;
use huntbook::{Error, Result};

/// A token source that counts how often it is asked (once per query).
struct Counting {
    token: Secret,
    asked: Cell<u32>,
}

impl SecretSource for Counting {
    async fn get(&self) -> Result<Secret> {
        self.asked.set(self.asked.get() + 1);
        Ok(self.token.clone())
    }
}

const TABLE: &str = r#"{"tables":[{"name":"PrimaryResult","columns":[{"name":"Account","type":"string"},{"name":"n","type":"long"}],
  "rows":[["alice",3],["bob",9007199254740993]]}]}"#;

#[test]
fn log_analytics_query_through_the_scripted_transport() {
    let t = Scripted::new(vec![
        response(429, &[("Retry-After", "2")], r#"{"error":{"code":"TooManyRequests","message":"throttled"}}"#),
        response(200, &[("Content-Type", "application/json")], TABLE),
        response(401, &[], r#"{"error":{"code":"AuthenticationFailed","message":"Authentication failed."}}"#),
    ]);
    let mut ws = Workspace::new("52b1ab41-869e-4138-9e40-2a4457f09bf0");
    ws.base_url = "https://la.example/".into();
    let tokens = Counting { token: Secret::new("tok-SECRET-9", TOKEN_SOURCE).unwrap(), asked: Cell::new(0) };
    let range = TimeRange { start_ns: 1_667_606_400_000_000_000, end_ns: 1_667_865_600_000_000_000 };
    let r =
        block_on(run_query(&t, &ws, &tokens, "SigninLogs | take 2", Some(&range), &RetryPolicy::default())).unwrap();
    let df = r.tables[0].df();
    assert_eq!(df.shape(), (2, 2));
    assert_eq!(df.column("n").unwrap().i64().unwrap().get(1), Some(9_007_199_254_740_993));
    assert_eq!(t.sent_at(), [0, 2_000], "the retry waited Retry-After on the fake clock");
    let sent = t.sent.borrow()[1].clone();
    assert_eq!(sent.url, "https://la.example/v1/workspaces/52b1ab41-869e-4138-9e40-2a4457f09bf0/query");
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(sent.body.as_deref().unwrap()).unwrap(),
        serde_json::json!({"query": "SigninLogs | take 2", "timespan": "2022-11-05T00:00:00.000Z/2022-11-08T00:00:00.000Z"})
    );
    assert!(sent.headers.contains(&("Authorization".into(), "Bearer tok-SECRET-9".into())));
    assert!(!format!("{sent:?}").contains("tok-SECRET-9"));

    let e = block_on(run_query(&t, &ws, &tokens, "x", None, &RetryPolicy::default())).unwrap_err().to_string();
    assert!(
        e.starts_with(
            "Log Analytics answered HTTP 401 AuthenticationFailed: Authentication failed. Check that getToken()"
        ),
        "{e}"
    );
    assert!(!e.contains("tok-SECRET-9"));
    assert_eq!(tokens.asked.get(), 2, "the token is asked for once per query, not per retry");
}

/// A threat-intel-like service: 4 requests a minute, a key in a header, a cache for the session.
fn provider() -> Service {
    Service::new("TestIntel", Endpoint::new("https://ti.example/api/v1"), "the TestIntel API key is valid")
        .rate_limit(RateLimit::per_minute(4))
}

#[test]
fn batch_lookups_with_rate_limit_cache_fan_out_and_progress() {
    let mut t = Scripted::routed(|req: &HttpRequest| {
        let ioc = req.url.rsplit('/').next().unwrap_or_default().to_string();
        match ioc.as_str() {
            "10.0.0.4" => response(404, &[], r#"{"error":{"code":"NotFoundError","message":"not found"}}"#),
            "10.0.0.5" => Err(NetError::Network("Failed to fetch".into())),
            _ => response(200, &[], &format!(r#"{{"ioc":"{ioc}"}}"#)),
        }
    });
    t.latency_polls = 3; // answers take a while, so several lookups are in flight
    let s = provider();
    let cache = ResponseCache::new(100, 1 << 20);
    let key = Secret::new("ti-key-0042", "the TestIntel key").unwrap();
    // Seven lookups, two of them repeats that the cache answers.
    let iocs = ["10.0.0.1", "10.0.0.2", "10.0.0.1", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.2", "10.0.0.6"];
    let in_flight = Cell::new(0usize);
    let max_in_flight = Cell::new(0usize);
    let lookup = |ioc: &'static str| {
        let (s, t, cache, key, in_flight, max_in_flight) = (&s, &t, &cache, &key, &in_flight, &max_in_flight);
        async move {
            in_flight.set(in_flight.get() + 1);
            max_in_flight.set(max_in_flight.get().max(in_flight.get()));
            let req = HttpRequest::get(s.url(&["ip", ioc], &[])?).secret_header("x-apikey", key);
            let r = s.send_ok(t, &req, Some(cache)).await;
            in_flight.set(in_flight.get() - 1);
            Ok::<_, Error>(String::from_utf8_lossy(&r?.body).into_owned())
        }
    };
    let progress = RefCell::new(Vec::new());
    let jobs: Vec<_> = iocs.iter().map(|&ioc| lookup(ioc)).collect();
    let out = block_on(fan_out(jobs, 2, || false, |done, total| progress.borrow_mut().push((done, total)))).unwrap();

    // Results in input order, failures as that lookup's result (the key never in them).
    let text: Vec<String> = out.iter().map(|r| r.as_ref().map_or_else(|e| e.to_string(), |b| b.clone())).collect();
    assert_eq!(text[0], r#"{"ioc":"10.0.0.1"}"#);
    assert_eq!(text[2], r#"{"ioc":"10.0.0.1"}"#);
    assert_eq!(text[3], r#"{"ioc":"10.0.0.3"}"#);
    assert!(text[4].starts_with("TestIntel answered HTTP 404 NotFoundError: not found"), "{}", text[4]);
    assert!(
        text[5].starts_with("could not reach TestIntel at https://ti.example/api/v1/ip/10.0.0.5: Failed to fetch"),
        "{}",
        text[5]
    );
    assert_eq!(text[7], r#"{"ioc":"10.0.0.6"}"#);
    assert!(text.iter().all(|t| !t.contains("ti-key-0042")));

    // At most two in flight; progress told from 0 to 8 of 8.
    assert_eq!(max_in_flight.get(), 2);
    assert_eq!(*progress.borrow(), (0..=8).map(|d| (d, 8)).collect::<Vec<_>>());

    // Only distinct, cacheable lookups went out: 10.0.0.5 failed and was not cached; repeats came from the cache
    // (the 404 is an answer and is kept).
    let urls: Vec<String> = t.sent.borrow().iter().map(|r| r.url.rsplit('/').next().unwrap().to_string()).collect();
    let mut distinct = urls.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct, ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6"]);
    assert_eq!(urls.len(), 6, "two repeats answered by the cache: {urls:?}");
    assert_eq!(cache.stats().0, 2);

    // Never more than four requests in any minute of the fake clock.
    let at = t.sent_at();
    for w in at.windows(5) {
        assert!(w[4] - w[0] >= 60_000, "five requests within a minute: {at:?}");
    }
    assert_eq!(at.last().copied(), Some(60_000), "the fifth and sixth requests waited a minute");
}

#[test]
fn cancellation_stops_the_batch() {
    let mut t = Scripted::routed(|_| response(200, &[], "{}"));
    t.cancel_sleep = true; // a wait (here: the rate limit's) is where the abort is noticed
    let s = provider();
    let jobs: Vec<_> = (0..10)
        .map(|i| {
            let (s, t) = (&s, &t);
            async move {
                let req = HttpRequest::get(s.url(&["ip", &format!("10.0.1.{i}")], &[])?);
                s.send_ok(t, &req, None).await.map(|r| r.status)
            }
        })
        .collect();
    let r = block_on(fan_out(jobs, 3, || false, |_, _| {}));
    assert!(matches!(r, Err(Error::Cancelled)), "{r:?}");
    assert_eq!(t.sent.borrow().len(), 4, "the limit let four through; the fifth was waiting when cancelled");
}

/// A `getToken()` that never settles (e.g. an interactive sign-in nobody completes).
struct Hangs;

impl SecretSource for Hangs {
    async fn get(&self) -> Result<Secret> {
        std::future::pending().await
    }
}

fn workspace() -> Workspace {
    let mut ws = Workspace::new("52b1ab41-869e-4138-9e40-2a4457f09bf0");
    ws.base_url = "https://la.example/".into();
    ws
}

#[test]
fn a_get_token_that_never_answers_ends_at_the_client_timeout_or_on_cancel() {
    let mut t = Scripted::new(vec![response(200, &[], TABLE)]);
    t.deadline_ms = Some(300_000); // the default client timeout, on the fake clock
    let e = block_on(run_query(&t, &workspace(), &Hangs, "x", None, &RetryPolicy::default())).unwrap_err().to_string();
    assert_eq!(
        e,
        format!(
            "{TOKEN_SOURCE} did not answer within 300 s (client timeout), so nothing was sent. Check that it resolves: \
             a sign-in waiting for the user, or a token service that does not answer, holds it up"
        )
    );
    assert!(t.sent.borrow().is_empty(), "no request without a token");
    assert_eq!(t.clock.get(), 300_000);

    let mut c = Scripted::new(vec![response(200, &[], TABLE)]);
    c.cancel_sleep = true; // the caller's AbortSignal fired while waiting for the token
    let r = block_on(run_query(&c, &workspace(), &Hangs, "x", None, &RetryPolicy::default()));
    assert!(matches!(r, Err(Error::Cancelled)), "{r:?}");
    assert!(c.sent.borrow().is_empty());
}

#[test]
fn server_errors_are_retried_with_a_short_backoff_then_reported_with_the_attempts() {
    let tokens = Secret::new("tok-SECRET-9", TOKEN_SOURCE).unwrap();
    let boom = r#"{"error":{"code":"InternalServerError","message":"boom"}}"#;
    let t = Scripted::new((0..4).map(|_| response(500, &[], boom)).collect());
    let e = block_on(run_query(&t, &workspace(), &tokens, "x", None, &RetryPolicy::default())).unwrap_err().to_string();
    assert_eq!(
        e,
        "Log Analytics answered HTTP 500 InternalServerError: boom. Gave up after 4 attempts (3 retries). The service \
         failed on its side: try again in a few minutes; if it keeps failing, check the service's status page."
    );
    assert_eq!(t.sent_at(), [0, 1_000, 3_000, 7_000], "1 s, 2 s, 4 s between attempts (fake clock)");

    // A gateway failure that passes: the query succeeds on the next attempt.
    let t = Scripted::new(vec![response(502, &[], "Bad Gateway"), response(504, &[], ""), response(200, &[], TABLE)]);
    let r = block_on(run_query(&t, &workspace(), &tokens, "x", None, &RetryPolicy::default())).unwrap();
    assert_eq!(r.tables[0].df().shape(), (2, 2));
    assert_eq!(t.sent_at(), [0, 1_000, 3_000]);

    // Other 4xx answers are never retried.
    for status in [400, 403, 404, 413] {
        let t = Scripted::new(vec![response(status, &[], r#"{"error":{"code":"X","message":"no"}}"#)]);
        let e = block_on(run_query(&t, &workspace(), &tokens, "x", None, &RetryPolicy::default())).unwrap_err();
        assert!(!e.to_string().contains("attempts"), "{e}");
        assert_eq!(t.sent.borrow().len(), 1, "{status}");
    }
}

#[test]
fn a_body_over_the_response_size_cap_names_its_size_the_cap_and_the_option() {
    let tokens = Secret::new("tok-SECRET-9", TOKEN_SOURCE).unwrap();
    let mut t = Scripted::new(vec![response(200, &[], TABLE)]);
    t.max_response_bytes = 100;
    let e = block_on(run_query(&t, &workspace(), &tokens, "x", None, &RetryPolicy::default())).unwrap_err().to_string();
    assert_eq!(
        e,
        format!(
            "Log Analytics answered with a body of {} bytes (0.00 MiB), over the response size cap of 100 bytes \
             (0.00 MiB); it was not read. Ask for less (take, project, summarize, a shorter time range) or raise the \
             cap with the maxResponseBytes option.",
            TABLE.len()
        )
    );
    assert_eq!(t.sent.borrow().len(), 1, "a body over the cap is not retried");
}

/// Issue #16: `run_query` is `fetch_answer` (request, token, retries, status errors) then reading the body; the two
/// halves are public so a page can fetch and huntbook's Worker read. Reading the fetched bytes with `read_answer`
/// gives what `run_query` gives, on the real fixtures, a partial answer and 204; a failed fetch is the same error.
#[test]
fn fetch_then_read_answer_is_run_query_in_two_steps() {
    use huntbook::query::{kusto, loganalytics, read_answer, AnswerFormat};
    let shared = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/loganalytics");
    let la = std::fs::read_to_string(shared.join("az_mon_raw_query.json")).unwrap();
    let adx = std::fs::read_to_string(shared.join("kusto_raw_resp.json")).unwrap();
    let partial = r#"{"tables":[{"name":"PrimaryResult","columns":[{"name":"n","type":"long"}],"rows":[[1],[2]]}],
      "error":{"code":"PartialError","message":"There were some errors when processing your query.","details":[{"code":"EngineError",
      "message":"Something went wrong processing your query on the server.","innererror":{"code":"-2133196797","message":"Query result set has exceeded the internal data size limit 64000000 bytes"}}]}}"#;
    let tokens = Secret::new("tok-SECRET-9", TOKEN_SOURCE).unwrap();
    let policy = RetryPolicy::default();
    let same = |a: &huntbook::frame::QueryResult, b: &huntbook::frame::QueryResult| {
        assert_eq!(a.tables.len(), b.tables.len());
        assert_eq!(a.error, b.error);
        for (x, y) in a.tables.iter().zip(&b.tables) {
            assert_eq!((&x.name, &x.notes, &x.partial), (&y.name, &y.notes, &y.partial));
            assert!(x.df().equals_missing(y.df()), "{} differs", x.name);
        }
    };

    for (body, status) in [(la.as_str(), 200), (partial, 200), ("", 204)] {
        let t = Scripted::new(vec![response(status, &[], body), response(status, &[], body)]);
        let whole = block_on(run_query(&t, &workspace(), &tokens, "SecurityAlert", None, &policy)).unwrap();
        let answer = block_on(loganalytics::fetch_answer(&t, &workspace(), &tokens, "SecurityAlert", None, &policy)).unwrap();
        assert_eq!((answer.status, answer.body.as_slice()), (status, body.as_bytes()), "the bytes as the service sent them");
        let read = read_answer(AnswerFormat::LogAnalytics, answer.status, &answer.body, "").unwrap();
        same(&whole, &read);
        assert_eq!(t.sent.borrow()[0].body_text(), t.sent.borrow()[1].body_text(), "one request, built once");
        match status {
            204 => assert_eq!(read.tables[0].notes, ["Log Analytics answered 204 No Content: the workspace has no data for this query"]),
            _ if body == partial => {
                assert_eq!(read.error.as_ref().unwrap().code, "PartialError");
                assert!(read.tables[0].partial.as_deref().unwrap().contains("64000000 bytes"), "{:?}", read.tables[0].partial);
            }
            _ => {
                assert_eq!(read.tables[0].df().shape(), (3, 34));
                assert_eq!(read.error, None);
            }
        }
    }
    let named = read_answer(AnswerFormat::LogAnalytics, 200, la.as_bytes(), "alerts").unwrap();
    assert_eq!(named.tables[0].name, "alerts");

    // Data Explorer: the same split.
    let cluster = kusto::Cluster { url: "https://help.kusto.example".into(), database: "Samples".into() };
    let t = Scripted::new(vec![response(200, &[], &adx), response(200, &[], &adx)]);
    let whole = block_on(kusto::run_query(&t, &cluster, &tokens, "T | take 10", &policy)).unwrap();
    let answer = block_on(kusto::fetch_answer(&t, &cluster, &tokens, "T | take 10", &policy)).unwrap();
    assert_eq!(answer.body, adx.as_bytes());
    let read = read_answer(AnswerFormat::from_name("kusto").unwrap(), answer.status, &answer.body, "").unwrap();
    same(&whole, &read);
    assert!(read.tables[0].df().height() > 0);
    assert_eq!(AnswerFormat::from_name("ADX"), Some(AnswerFormat::Kusto));
    assert_eq!(AnswerFormat::from_name("la"), Some(AnswerFormat::LogAnalytics));
    assert_eq!(AnswerFormat::from_name("csv"), None);
    // An ADX answer cut short keeps its tables but says it is incomplete: never shown as complete.
    let cut = adx.trim_end().trim_end_matches(']').rsplit_once(",\n    {").map(|(head, _)| format!("{head}]")).unwrap();
    let r = read_answer(AnswerFormat::Kusto, 200, cut.as_bytes(), "").unwrap();
    assert_eq!(r.error.as_ref().unwrap().code, "Incomplete", "{:?}", r.error);
    assert!(r.tables[0].partial.is_some());

    // A failed fetch is run_query's error, word for word (retries included), and nothing is read.
    let boom = r#"{"error":{"code":"InternalServerError","message":"boom"}}"#;
    let t = Scripted::new((0..8).map(|_| response(500, &[], boom)).collect());
    let e1 = block_on(run_query(&t, &workspace(), &tokens, "x", None, &policy)).unwrap_err().to_string();
    let e2 = block_on(loganalytics::fetch_answer(&t, &workspace(), &tokens, "x", None, &policy)).unwrap_err().to_string();
    assert_eq!(e1, e2);
    assert!(e2.starts_with("Log Analytics answered HTTP 500 InternalServerError: boom. Gave up after 4 attempts"), "{e2}");
    assert!(!e2.contains("tok-SECRET-9"));
    assert_eq!(t.sent.borrow().len(), 8);
    // Only a 2xx answer is read; a malformed 200 says so.
    let e = read_answer(AnswerFormat::LogAnalytics, 500, boom.as_bytes(), "").unwrap_err().to_string();
    assert!(e.contains("status 500 is not a successful answer"), "{e}");
    let e = read_answer(AnswerFormat::LogAnalytics, 200, b"{\"tables\": [", "").unwrap_err().to_string();
    assert!(e.starts_with("Log Analytics answered 200 but the body is not a valid query response"), "{e}");
}

//! Many lookups at once, but not too many: a bounded concurrent fan-out on one thread (no runtime needed, so it runs
//! in wasm and in tests alike).

use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::task::Poll;

use crate::error::{Error, Result};

/// Runs `jobs` with at most `max_in_flight` of them started and unfinished at a time (0 counts as 1), and returns
/// their results in input order. `progress(done, total)` is told at the start and after each job. A job failing
/// with [`Error::Cancelled`], or `cancelled()` answering true, stops the fan-out: no further job starts, those in
/// flight are dropped, and the whole call returns `Err(Cancelled)`. Any other failure is that job's result.
pub async fn fan_out<T, Fut>(
    jobs: Vec<Fut>,
    max_in_flight: usize,
    cancelled: impl Fn() -> bool,
    mut progress: impl FnMut(usize, usize),
) -> Result<Vec<Result<T>>>
where
    Fut: Future<Output = Result<T>>,
{
    let total = jobs.len();
    let k = max_in_flight.max(1);
    let mut waiting = jobs.into_iter().enumerate();
    let mut running: Vec<(usize, Pin<Box<Fut>>)> = Vec::with_capacity(k.min(total));
    let mut results: Vec<Option<Result<T>>> = std::iter::repeat_with(|| None).take(total).collect();
    let mut done = 0;
    progress(0, total);
    poll_fn(|cx| loop {
        if cancelled() {
            return Poll::Ready(Err(Error::Cancelled));
        }
        while running.len() < k {
            match waiting.next() {
                Some((i, job)) => running.push((i, Box::pin(job))),
                None => break,
            }
        }
        if running.is_empty() {
            return Poll::Ready(Ok(()));
        }
        let before = done;
        let mut j = 0;
        while j < running.len() {
            match running[j].1.as_mut().poll(cx) {
                Poll::Ready(Err(Error::Cancelled)) => return Poll::Ready(Err(Error::Cancelled)),
                Poll::Ready(r) => {
                    let (i, _) = running.remove(j);
                    results[i] = Some(r);
                    done += 1;
                    progress(done, total);
                }
                Poll::Pending => j += 1,
            }
        }
        if done == before {
            return Poll::Pending;
        }
    })
    .await?;
    Ok(results.into_iter().map(|r| r.unwrap_or(Err(Error::Cancelled))).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::testing::{block_on, yield_now};
    use std::cell::{Cell, RefCell};

    /// A job that takes `polls` polls and records how many jobs were in flight.
    async fn job(
        i: usize,
        polls: usize,
        now: &Cell<usize>,
        max: &Cell<usize>,
        log: &RefCell<Vec<usize>>,
    ) -> Result<usize> {
        now.set(now.get() + 1);
        max.set(max.get().max(now.get()));
        for _ in 0..polls {
            yield_now().await;
        }
        now.set(now.get() - 1);
        log.borrow_mut().push(i);
        if i == 3 {
            return Err(Error::invalid("job 3 failed"));
        }
        Ok(i * 10)
    }

    #[test]
    fn keeps_input_order_respects_the_bound_and_reports_progress() {
        let (now, max, log) = (Cell::new(0), Cell::new(0), RefCell::new(Vec::new()));
        // Later jobs finish sooner, so completion order differs from input order.
        let jobs: Vec<_> = (0..7).map(|i| job(i, 7 - i, &now, &max, &log)).collect();
        let mut seen = Vec::new();
        let out = block_on(fan_out(jobs, 3, || false, |d, t| seen.push((d, t)))).unwrap();
        let got: Vec<String> =
            out.iter().map(|r| r.as_ref().map_or_else(|e| e.to_string(), |v| v.to_string())).collect();
        assert_eq!(got, ["0", "10", "20", "job 3 failed", "40", "50", "60"]);
        assert_eq!(max.get(), 3, "never more than 3 in flight");
        assert_ne!(*log.borrow(), [0, 1, 2, 3, 4, 5, 6], "finished out of order");
        assert_eq!(seen, (0..=7).map(|d| (d, 7)).collect::<Vec<_>>());
        let empty: Vec<std::future::Ready<Result<u8>>> = Vec::new();
        assert_eq!(block_on(fan_out(empty, 0, || false, |_, _| {})).unwrap().len(), 0);
    }

    #[test]
    fn a_cancelled_job_stops_the_rest() {
        let started = RefCell::new(Vec::new());
        let jobs: Vec<_> = (0..10)
            .map(|i| {
                let started = &started;
                async move {
                    started.borrow_mut().push(i);
                    yield_now().await;
                    if i == 2 {
                        Err(Error::Cancelled)
                    } else {
                        Ok(i)
                    }
                }
            })
            .collect();
        let r = block_on(fan_out(jobs, 2, || false, |_, _| {}));
        assert!(matches!(r, Err(Error::Cancelled)));
        assert!(started.borrow().len() <= 4, "no new job after the cancellation: {:?}", started.borrow());
    }

    #[test]
    fn the_cancel_check_stops_before_the_next_job() {
        let done = Cell::new(0);
        let jobs: Vec<_> = (0..10)
            .map(|i| {
                let done = &done;
                async move {
                    done.set(done.get() + 1);
                    Ok(i)
                }
            })
            .collect();
        let mut progress = Vec::new();
        let r = block_on(fan_out(jobs, 1, || done.get() >= 4, |d, _| progress.push(d)));
        assert!(matches!(r, Err(Error::Cancelled)));
        assert_eq!(done.get(), 4);
        assert_eq!(progress, [0, 1, 2, 3, 4]);
    }
}

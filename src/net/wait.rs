//! Waiting on two things at once, on one thread and with no runtime (so it runs in wasm and in tests alike): the
//! first of two futures to finish, a point where other futures may run, and "until this call is cancelled or
//! times out" as the transport sees it.

use std::future::{poll_fn, Future};
use std::pin::pin;
use std::task::Poll;

use crate::net::{NetError, Transport};

/// Which of two raced futures finished first.
#[derive(Debug, PartialEq, Eq)]
pub enum Either<A, B> {
    First(A),
    Second(B),
}

/// Polls `a` then `b` until one is ready; the other is dropped. `a` wins a tie.
pub async fn race<A: Future, B: Future>(a: A, b: B) -> Either<A::Output, B::Output> {
    let (mut a, mut b) = (pin!(a), pin!(b));
    poll_fn(|cx| {
        if let Poll::Ready(v) = a.as_mut().poll(cx) {
            return Poll::Ready(Either::First(v));
        }
        if let Poll::Ready(v) = b.as_mut().poll(cx) {
            return Poll::Ready(Either::Second(v));
        }
        Poll::Pending
    })
    .await
}

/// A future that is pending once (waking itself), then ready: lets other futures run.
pub fn yield_now() -> impl Future<Output = ()> {
    let mut yielded = false;
    poll_fn(move |cx| {
        if yielded {
            Poll::Ready(())
        } else {
            yielded = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    })
}

/// Ends when the transport's call is cancelled or runs out of time (the error says which): the transport's `sleep`
/// is where both are noticed, so this sleeps in one-minute steps until a sleep fails. Never ends on a transport
/// that can be neither cancelled nor timed out; race it against the work it guards.
pub async fn until_aborted<T: Transport>(t: &T) -> NetError {
    loop {
        if let Err(e) = t.sleep(60_000).await {
            return e;
        }
        yield_now().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::testing::*;

    #[test]
    fn the_first_to_finish_wins() {
        let slow = async {
            for _ in 0..3 {
                yield_now().await;
            }
            "slow"
        };
        assert_eq!(block_on(race(slow, async { 7 })), Either::Second(7));
        assert_eq!(block_on(race(async { 1 }, async { 2 })), Either::First(1), "a tie goes to the first");
        assert_eq!(block_on(race(std::future::pending::<()>(), yield_now())), Either::Second(()));
    }

    #[test]
    fn until_aborted_ends_at_the_deadline_or_on_cancel() {
        let mut t = Scripted::new(Vec::new());
        t.deadline_ms = Some(150_000);
        assert_eq!(block_on(until_aborted(&t)), NetError::Timeout(150));
        assert_eq!(t.clock.get(), 150_000, "it ended at the deadline on the fake clock");
        let mut c = Scripted::new(Vec::new());
        c.cancel_sleep = true;
        assert_eq!(block_on(until_aborted(&c)), NetError::Cancelled);
    }
}

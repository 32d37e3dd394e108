//! DNS over HTTPS (JSON API). Built in step 2.

//! IoC extraction: the input as text through the default extractor and one with every option on (defanged forms,
//! paths, no public-suffix check), as a list and as a table; each observable is classified again.
#![no_main]

use huntbook::ioc::{classify, IocExtractor, IocOptions};
use libfuzzer_sys::fuzz_target;

thread_local! {
    static EXTRACTORS: [IocExtractor; 2] = [
        IocExtractor::new(&IocOptions::default()).expect("default options"),
        IocExtractor::new(&IocOptions {
            defanged: true,
            include_paths: Some(true),
            ignore_tlds: true,
            ..IocOptions::default()
        })
        .expect("all options on"),
    ];
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    EXTRACTORS.with(|all| {
        for x in all {
            for ioc in x.extract(&text) {
                let _ = classify(&ioc.refanged);
            }
            let _ = x.extract_table(&text);
        }
    });
    let _ = classify(&text);
});

//! Bindings of the visualisation module (`crate::vis`): timelines and charts.

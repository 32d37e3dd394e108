//! KQL on local data: lexer, parser, planner and an executor over polars (issue #4). Not built yet.

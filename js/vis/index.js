// Visualisation: canvas event timelines and quick charts (wraps the wasm `vis` bindings).

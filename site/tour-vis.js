// Tour cells: charts and event timelines. `cell(id, title, code, run)` makes a cell; `state` holds what earlier
// cells computed (state.qp, state.signins …).
export function visCells({ cell, state, huntbook }) {
  return [];
}

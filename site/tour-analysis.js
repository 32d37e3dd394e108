// Tour cells: decoding base64-obfuscated command lines and extracting IoCs from a threat report.
export function analysisCells({ cell, state, huntbook }) {
  return [];
}

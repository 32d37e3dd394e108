// Runs before anything else on hostile.html: the trap every payload tries to push to, and the CSP violation log.
window.__xss = [];
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample });
});

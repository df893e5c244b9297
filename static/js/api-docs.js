// Swagger UI on /api/v1/docs, started from the page's JSON settings: the policy refuses the
// inline script that flask-smorest's own page starts it with.
const config = JSON.parse(document.getElementById("api-docs-config").textContent);
window.ui = window.SwaggerUIBundle({ ...config, dom_id: "#swagger-ui" });

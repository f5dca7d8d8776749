// The API documentation page: Swagger UI (vendored, static/vendor/swagger-ui) over /api/v1/openapi.json.
window.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({ url: root.dataset.spec, domNode: root, deepLinking: false });
});

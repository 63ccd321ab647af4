// Starts Swagger UI on the page's #swagger-ui element; the document URL is its data-spec-url.
window.addEventListener("load", function () {
  var element = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: element.getAttribute("data-spec-url"),
    dom_id: "#swagger-ui",
    persistAuthorization: true,
    deepLinking: true,
  });
});

"""HSDS 3.0 publication, mounted at /hsds/ (not language-prefixed)."""

from django.urls import path

from services import hsds_views as views

app_name = "hsds"

urlpatterns = [
    path("", views.root, name="root"),
    path("dump.json", views.dump, name="dump"),
    path("services", views.services, name="services"),
    path("services/<uuid:id>", views.service_detail, name="service"),
    path("organizations", views.organizations, name="organizations"),
    path("organizations/<uuid:id>", views.organization_detail, name="organization"),
    path("service_at_locations", views.service_at_locations, name="service_at_locations"),
    path("service_at_locations/<uuid:id>", views.service_at_location_detail, name="service_at_location"),
    path("taxonomies", views.taxonomies, name="taxonomies"),
    path("taxonomies/<uuid:id>", views.taxonomy_detail, name="taxonomy"),
    path("taxonomy_terms", views.taxonomy_terms, name="taxonomy_terms"),
    path("taxonomy_terms/<uuid:id>", views.taxonomy_term_detail, name="taxonomy_term"),
]

from django.urls import path

from rathaus.newsroom import feeds, renditions, sitemaps, views

app_name = "newsroom"
urlpatterns = [
    path("", views.offices, name="offices"),
    path("sitemap.xml", sitemaps.index, name="sitemap-index"),
    path("sitemap-<slug:section>.xml", sitemaps.section, name="sitemap"),
    path("<slug:office>/", views.index, name="index"),
    path("<slug:office>/kategorie/<slug:category>/", views.category, name="category"),
    path("<slug:office>/thema/<slug:tag>/", views.tag, name="tag"),
    path("<slug:office>/suche/", views.search, name="search"),
    path("<slug:office>/termine/", views.events, name="events"),
    path("<slug:office>/datenschutz/", views.privacy, name="privacy"),
    path("<slug:office>/impressum/", views.imprint, name="imprint"),
    path("<slug:office>/meldungen/<int:pk>-<str:slug>/", views.post, name="post"),
    path(
        "<slug:office>/meldungen/<int:pk>/bilder/<str:key>.jpg",
        renditions.image_jpeg,
        name="image-jpeg",
    ),
    path("<slug:office>/logo", renditions.logo, name="logo"),
    path("<slug:office>/feed.rss", feeds.rss, name="rss"),
    path("<slug:office>/feed.atom", feeds.atom, name="atom"),
    path("<slug:office>/kategorie/<slug:category>/feed.rss", feeds.rss, name="category-rss"),
    path("<slug:office>/kategorie/<slug:category>/feed.atom", feeds.atom, name="category-atom"),
    path("<slug:office>/termine.ics", feeds.calendar, name="calendar"),
]

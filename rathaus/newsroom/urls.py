from django.urls import path

from rathaus.newsroom import access, feeds, renditions, sitemaps, views

app_name = "newsroom"
urlpatterns = [
    path("", views.offices, name="offices"),
    path("sitemap.xml", sitemaps.index, name="sitemap-index"),
    path("sitemap-<slug:section>.xml", sitemaps.section, name="sitemap"),
    path("<slug:slug>/", views.index, name="index"),
    path("<slug:slug>/kategorie/<slug:category>/", views.category, name="category"),
    path("<slug:slug>/thema/<slug:tag>/", views.tag, name="tag"),
    path("<slug:slug>/suche/", views.search, name="search"),
    path("<slug:slug>/termine/", views.events, name="events"),
    path("<slug:slug>/datenschutz/", views.privacy, name="privacy"),
    path("<slug:slug>/impressum/", views.imprint, name="imprint"),
    path("<slug:slug>/barrierefreiheit/", access.statement, name="accessibility"),
    path("<slug:slug>/leichte-sprache/", access.easy_language, name="easy-language"),
    path("<slug:slug>/gebaerdensprache/", access.sign_language, name="sign-language"),
    path("<slug:slug>/meldungen/<int:pk>-<str:post_slug>/", views.post, name="post"),
    path(
        "<slug:slug>/meldungen/<int:pk>/bilder/<str:key>.jpg",
        renditions.image_jpeg,
        name="image-jpeg",
    ),
    path("<slug:slug>/logo", renditions.logo, name="logo"),
    path("<slug:slug>/feed.rss", feeds.rss, name="rss"),
    path("<slug:slug>/feed.atom", feeds.atom, name="atom"),
    path("<slug:slug>/kategorie/<slug:category>/feed.rss", feeds.rss, name="category-rss"),
    path("<slug:slug>/kategorie/<slug:category>/feed.atom", feeds.atom, name="category-atom"),
    path("<slug:slug>/termine.ics", feeds.calendar, name="calendar"),
]

from django.urls import path

from rathaus.desk.views import calendar, deliveries, detail, images, offices, posts

app_name = "desk"
post = "<slug:office>/beitraege/<int:pk>"
urlpatterns = [
    path("", offices.home, name="home"),
    path("<slug:office>/", offices.dashboard, name="dashboard"),
    path("<slug:office>/beitraege/", posts.post_list, name="post_list"),
    path("<slug:office>/beitraege/neu/", posts.post_new, name="post_new"),
    path("<slug:office>/vorschau/", posts.preview, name="preview"),
    path(f"{post}/", detail.post_detail, name="post_detail"),
    path(f"{post}/bearbeiten/", posts.post_edit, name="post_edit"),
    path(f"{post}/korrigieren/", posts.post_correct, name="post_correct"),
    path(f"{post}/schritt/<slug:step>/", detail.post_step, name="post_step"),
    path(f"{post}/bilder/", images.image_add, name="image_add"),
    path(f"{post}/bilder/<int:image>/entfernen/", images.image_remove, name="image_remove"),
    path("<slug:office>/zustellungen/<int:pk>/erneut/", deliveries.delivery_retry, name="retry"),
    path("<slug:office>/kalender/", calendar.calendar, name="calendar"),
]

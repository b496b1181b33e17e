from django.urls import path

from rathaus.newsroom import views

app_name = "newsroom"
urlpatterns = [
    path("", views.offices, name="offices"),
    path("<slug:office>/", views.index, name="index"),
    path("<slug:office>/meldungen/<int:pk>-<str:slug>/", views.post, name="post"),
]

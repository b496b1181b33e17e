from django.urls import path

from rathaus.desk import views

app_name = "desk"
urlpatterns = [path("", views.home, name="home")]

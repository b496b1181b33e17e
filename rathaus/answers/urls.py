from django.urls import path

from rathaus.answers import views

app_name = "answers"
urlpatterns = [
    path("<slug:office>/fragen/", views.faq, name="faq"),
]

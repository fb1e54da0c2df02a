from django.urls import path

from . import views

app_name = "articles"

# <str:slug>, not <slug:slug>: slugs may be Unicode (刘武才), which <slug:> does not match.
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search_results, name="search"),
    path("articles/", views.article_list, name="article_list"),
    path("articles/<str:slug>/", views.article_detail, name="article_detail"),
    path("departments/", views.department_list, name="department_list"),
    path("departments/<str:slug>/", views.department_detail, name="department_detail"),
    path("doctors/<str:slug>/", views.doctor_detail, name="doctor_detail"),
    path("tags/<str:slug>/", views.tag_detail, name="tag_detail"),
]

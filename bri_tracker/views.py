from django.shortcuts import render

from projects.models import Project


def home(request):
    projects = Project.objects.signature().with_countries()
    return render(request, "home.html", {"projects": projects})

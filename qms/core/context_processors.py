from . import site


def site_navigation(request):
    return {"site_nav": site.nav_for(request.user) if hasattr(request, "user") else []}

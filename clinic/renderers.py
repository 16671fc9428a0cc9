"""How forms draw their widgets (settings.FORM_RENDERER)."""

from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist
from django.utils.functional import cached_property


class WidgetRenderer(Jinja2):
    """Django's widgets drawn from the Jinja2 copies of their templates, which Django
    ships beside the Django ones: the same HTML (less blank space between a select's
    options). Each select option and radio button was a Django template render of its
    own; with these, Today, the review queue and Outcomes took 25 to 35% less time
    (bench/pages.py). Widgets that come with Django templates only (the admin's) are
    drawn from those."""

    @cached_property
    def django_templates(self) -> DjangoTemplates:
        return DjangoTemplates()

    def get_template(self, template_name):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self.django_templates.get_template(template_name)

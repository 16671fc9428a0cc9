from django.contrib import admin

from clinic.admin import ClinicFencedAdmin, ReadOnlyAdmin
from diary.models import Entry, Flag


class FlagInline(admin.TabularInline):
    model = Flag
    fields = ["level", "rule", "symptom", "message"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin, ClinicFencedAdmin):
    """Read-only: entries are the patient's words and are judged when saved. Deleting
    a day would also leave its flags' case and the treatment's diary summary behind;
    a whole diary goes with its treatment."""

    clinic_path = "treatment__clinic"
    list_display = ["treatment", "day", "status", "recorded_at"]
    list_filter = ["status"]
    inlines = [FlagInline]
    list_select_related = ["treatment__clinic_patient", "treatment__procedure"]

"""Our date and time formats per language (settings.FORMAT_MODULE_PATH); whatever a
module leaves out comes from Django's own formats for that language."""

#include "config.h"
#include "ui/ui.h"
#include <curses.h>
const char *ui_backend_name(void) { return curses_version(); }

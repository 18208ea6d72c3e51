/* ui/ui.h — the curses front end (placeholder until the console lands). */
#ifndef SRV_UI_H
#define SRV_UI_H
const char *ui_backend_name(void);
#endif

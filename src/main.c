#include "config.h"
#include <stdio.h>
#include <string.h>
#include "core/util.h"
#include "ui/ui.h"
int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--version") == 0) {
        printf("srvconsole %s (%s)\n", PACKAGE_VERSION, ui_backend_name());
        return 0;
    }
    fprintf(stderr, "srvconsole: nothing implemented yet\n");
    return 2;
}

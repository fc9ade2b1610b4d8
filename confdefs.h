/* confdefs.h */
#define PACKAGE_NAME "tagmirror"
#define PACKAGE_TARNAME "tagmirror"
#define PACKAGE_VERSION "0.1.0"
#define PACKAGE_STRING "tagmirror 0.1.0"
#define PACKAGE_BUGREPORT ""
#define PACKAGE_URL ""
#define PACKAGE "tagmirror"
#define VERSION "0.1.0"

/* madoguchi: subcommand dispatch only. */
#include <stdio.h>
int main(void);
int
main(void)
{
    puts("madoguchi");
    return 0;
}

/* chmake() returns 0 and fills chv[] with two different non-negative
   handles; several channels made in a row all get distinct handles. */
#include <assert.h>
#include "libdill.h"

#define N 50

int main(void) {
    int chs[N][2];
    for(int i = 0; i < N; i++) {
        chs[i][0] = -7; chs[i][1] = -7;
        assert(chmake(chs[i]) == 0);
        assert(chs[i][0] >= 0 && chs[i][1] >= 0);
        assert(chs[i][0] != chs[i][1]);
    }
    for(int i = 0; i < N; i++)
        for(int j = 0; j < N; j++)
            for(int a = 0; a < 2; a++)
                for(int b = 0; b < 2; b++)
                    if(i != j || a != b) assert(chs[i][a] != chs[j][b]);
    for(int i = 0; i < N; i++) {
        assert(hclose(chs[i][0]) == 0);
        assert(hclose(chs[i][1]) == 0);
    }
    return 0;
}

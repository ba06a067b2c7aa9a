/*
 * libdill-wasm demo: structured concurrency in C, running under Node.js.
 *
 * A producer and three workers talk over channels; a deadline bounds the
 * work; closing the bundle cancels whoever is still blocked.
 */
#include <stdio.h>
#include <libdill.h>

coroutine void worker(int id, int jobs, int results) {
    for(;;) {
        int job;
        int rc = chrecv(jobs, &job, sizeof(job), -1);
        if(rc < 0) {
            printf("  worker %d: chrecv -> %d, errno %s\n", id, rc,
                errno == EPIPE ? "EPIPE (no more jobs)" :
                errno == ECANCELED ? "ECANCELED (bundle closed)" : "?");
            return;
        }
        msleep(now() + 10 * job);          /* "work" for 10*job ms */
        int result = job * job;
        chsend(results, &result, sizeof(result), -1);
    }
}

int main(void) {
    int jobs[2], results[2];
    chmake(jobs);
    chmake(results);

    int b = bundle();
    for(int i = 1; i <= 3; i++) bundle_go(b, worker(i, jobs[1], results[0]));
    printf("started 3 workers in bundle %d\n", b);

    int64_t start = now();
    for(int job = 1; job <= 6; job++) {
        chsend(jobs[0], &job, sizeof(job), -1);
        int r;
        chrecv(results[1], &r, sizeof(r), -1);
        printf("job %d -> %d after %lld ms\n", job, r, (long long)(now() - start));
    }

    /* A receive with a deadline: nobody sends, so it times out. */
    int x;
    int rc = chrecv(results[1], &x, sizeof(x), now() + 50);
    printf("chrecv with a 50 ms deadline -> %d, errno %s\n", rc,
        errno == ETIMEDOUT ? "ETIMEDOUT" : "?");

    /* Close the job channel's sending direction: workers see EPIPE. */
    chdone(jobs[0]);
    rc = bundle_wait(b, now() + 1000);
    printf("bundle_wait -> %d (all workers finished)\n", rc);
    hclose(b);
    hclose(jobs[0]); hclose(jobs[1]); hclose(results[0]); hclose(results[1]);
    printf("done in %lld ms\n", (long long)(now() - start));
    return 0;
}

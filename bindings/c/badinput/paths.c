/*
** paths.c - the path cases shared by every function that reads or writes a file: NULL, "",
** missing directories, a directory, a FIFO (which must not block), devices, non-UTF-8 bytes,
** long paths, and damaged copies of a valid file. Everything is made in the case's own
** scratch directory; nothing outside it is written.
*/
#include "harness.h"

#include <unistd.h>

static char long_path[5000];

static const char *make_long_path(void) {
    memset(long_path, 'a', sizeof long_path - 1);
    long_path[sizeof long_path - 1] = 0;
    return long_path;
}

static const char *with_slash(const char *path) {
    static char out[300];
    snprintf(out, sizeof out, "%s/", path);
    return out;
}

static const char *make_loop(void) {
    if (symlink("loop", "loop") != 0) setup_fail("symlink");
    return "loop";
}

void read_path_cases(const char *f, path_op op, const char *(*valid)(void), const char *(*other)(void),
                     int checked_format) {
    static const long offsets[] = {0, 8, 12, 16, 40, -1, -8};
    char label[96];
    size_t i;
    CASE(f, "control: a valid file", CONTROL) { END(op(valid())); }
    CASE(f, "path NULL", X_INVAL) { END(op(NULL)); }
    CASE(f, "path \"\"", X_IO) { END(op("")); }
    CASE(f, "a missing directory", X_IO) { END(op(NONEXISTENT)); }
    CASE(f, "a missing file named with non-UTF-8 bytes", X_IO) { END(op(BAD_UTF8)); }
    CASE(f, "a directory", X_IO) { END(op(make_dir())); }
    CASE(f, "a FIFO without a writer: must not block", X_IO | X_FORMAT) { END(op(make_fifo())); }
    CASE(f, "/dev/zero: endless zeros", X_IO | X_FORMAT) { END(op("/dev/zero")); }
    CASE(f, "/dev/null", X_IO | X_FORMAT) { END(op("/dev/null")); }
    CASE(f, "a symbolic link to itself", X_IO) { END(op(make_loop())); }
    CASE(f, "a path of 5000 bytes", X_IO) { END(op(make_long_path())); }
    CASE(f, "a valid file's path with a trailing '/'", X_IO) { END(op(with_slash(valid()))); }
    CASE(f, "a file of text", X_FORMAT) { END(op(garbage_file())); }
    if (other) {
        CASE(f, "a file of the other kind", X_FORMAT) { END(op(other())); }
    }
    CASE(f, "an empty file", X_FORMAT) { END(op(empty_file())); }
    CASE(f, "a valid file cut to half", X_FORMAT) { END(op(truncated(valid()))); }
    if (!checked_format) return;
    for (i = 0; i < sizeof offsets / sizeof *offsets; ++i) {
        snprintf(label, sizeof label, "a valid file with the byte at offset %ld flipped", offsets[i]);
        CASE(f, label, X_FORMAT) { END(op(corrupted(valid(), offsets[i]))); }
    }
}

void write_path_cases(const char *f, path_op op) {
    CASE(f, "control: a new file", CONTROL) {
        axon_status st = op("out.axon");
        END_CHECKED(st, exists("out.axon"));
    }
    CASE(f, "control: replacing a file", CONTROL) {
        axon_status st = op(garbage_file());
        END_CHECKED(st, exists("garbage"));
    }
    CASE(f, "path NULL", X_INVAL) { END(op(NULL)); }
    CASE(f, "path \"\"", X_IO) { END(op("")); }
    CASE(f, "a missing directory", X_IO) { END(op(NONEXISTENT)); }
    CASE(f, "a directory", X_IO) {
        axon_status st = op(make_dir());
        END_CHECKED(st, 0);
    }
    CASE(f, "below a regular file", X_IO) {
        empty_file();
        END(op("empty/out.axon"));
    }
    CASE(f, "a FIFO: must not block", X_OK | X_IO) { END(op(make_fifo())); }
    CASE(f, "a path of 5000 bytes", X_IO) { END(op(make_long_path())); }
    CASE(f, "a trailing '/'", X_IO) { END(op("out.axon/")); }
    CASE(f, "a name of non-UTF-8 bytes: written under those bytes", X_OK | X_IO) {
        axon_status st = op(BAD_UTF8);
        END_CHECKED(st, exists(BAD_UTF8));
    }
}

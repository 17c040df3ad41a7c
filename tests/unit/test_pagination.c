/*
 * test_pagination.c — LimitOffsetPagination: limit/offset parsing and the
 * next/previous links DRF builds (sorted keys, quote_plus, offset dropped
 * when the previous page starts at 0).  Expected URLs were checked against
 * DRF's replace_query_param / remove_query_param in CPython 3.11.
 */
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include "pagination.h"

static void expect_params(const char *q, int64_t limit, int64_t offset)
{
    int64_t l, o;
    pagination_params(q, &l, &o);
    assert_int_equal(l, limit);
    assert_int_equal(o, offset);
}

static void test_params(void **state)
{
    (void)state;
    expect_params(NULL, 100, 0);
    expect_params("", 100, 0);
    expect_params("limit=5&offset=10", 5, 10);
    expect_params("limit=0", 100, 0);
    expect_params("limit=-1&offset=-3", 100, 0);
    expect_params("limit=abc&offset=x", 100, 0);
    expect_params("limit=2.5&offset=1.0", 100, 0);
    expect_params("limit=%2B7&offset=%201_0%20", 7, 10);
    expect_params("limit=1&limit=3&offset=0", 3, 0);
    expect_params("limit=99999999999999999999", 100, 0);
    expect_params("limit=1000000", 1000000, 0);
    expect_params("limit", 100, 0);
}

static void expect_url(char *got, const char *want)
{
    if (!want) {
        assert_null(got);
        return;
    }
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

static void test_links(void **state)
{
    (void)state;
    const char *h = "example.test:8010", *p = "/api/orgs/1/widgets/";
    /* first page */
    expect_url(pagination_next(h, p, NULL, 250, 100, 0),
               "http://example.test:8010/api/orgs/1/widgets/?limit=100&offset=100");
    expect_url(pagination_previous(h, p, NULL, 100, 0), NULL);
    /* middle page: the previous page starts at 0, so no offset */
    expect_url(pagination_next(h, p, "offset=100", 250, 100, 100),
               "http://example.test:8010/api/orgs/1/widgets/?limit=100&offset=200");
    expect_url(pagination_previous(h, p, "offset=100", 100, 100),
               "http://example.test:8010/api/orgs/1/widgets/?limit=100");
    /* last page */
    expect_url(pagination_next(h, p, "offset=200", 250, 100, 200), NULL);
    expect_url(pagination_previous(h, p, "offset=200", 100, 200),
               "http://example.test:8010/api/orgs/1/widgets/?limit=100&offset=100");
    /* an offset that is not a multiple of the limit */
    expect_url(pagination_previous(h, p, "limit=10&offset=15", 10, 15),
               "http://example.test:8010/api/orgs/1/widgets/?limit=10&offset=5");
    expect_url(pagination_previous(h, p, "limit=10&offset=5", 10, 5),
               "http://example.test:8010/api/orgs/1/widgets/?limit=10");
    /* exactly at the end, and beyond it */
    expect_url(pagination_next(h, p, NULL, 10, 5, 5), NULL);
    expect_url(pagination_next(h, p, NULL, 10, 5, 50), NULL);
    expect_url(pagination_previous(h, p, "offset=50", 5, 50),
               "http://example.test:8010/api/orgs/1/widgets/?limit=5&offset=45");
    expect_url(pagination_next(h, p, NULL, 0, 100, 0), NULL);
}

static void test_query_rewrite(void **state)
{
    (void)state;
    const char *h = "h", *p = "/x/";
    /* keys sorted, other values kept */
    expect_url(pagination_link(h, p, "b=2&a=1&limit=5", 5, 10),
               "http://h/x/?a=1&b=2&limit=5&offset=10");
    /* values re-encoded like quote_plus */
    expect_url(pagination_link(h, p, "q=hello world&x=%2F&z=a+b&s=%7E*", 1, 1),
               "http://h/x/?limit=1&offset=1&q=hello+world&s=~%2A&x=%2F&z=a+b");
    expect_url(pagination_link(h, p, "name=%C3%A9t%C3%A9", 1, 1),
               "http://h/x/?limit=1&name=%C3%A9t%C3%A9&offset=1");
    /* invalid UTF-8 becomes U+FFFD, as Python's unquote does */
    expect_url(pagination_link(h, p, "n=%FF", 1, 1),
               "http://h/x/?limit=1&n=%EF%BF%BD&offset=1");
    /* repeated keys keep their order; blank values and bare keys kept */
    expect_url(pagination_link(h, p, "tags=b&tags=a&flag&e=", 2, 4),
               "http://h/x/?e=&flag=&limit=2&offset=4&tags=b&tags=a");
    /* removing offset; empty pairs dropped */
    expect_url(pagination_link(h, p, "offset=3&&limit=9&", 2, -1),
               "http://h/x/?limit=2");
    /* upper-case keys sort before lower-case ones */
    expect_url(pagination_link(h, p, "Zed=1&alpha=2", 3, 0),
               "http://h/x/?Zed=1&alpha=2&limit=3&offset=0");
    /* the path is decoded and re-quoted as Django's escape_uri_path does */
    expect_url(pagination_link("h:1", "/api/orgs/%40mine/w%20x/a%2Cb/", NULL, 1, -1),
               "http://h:1/api/orgs/@mine/w%20x/a,b/?limit=1");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_params),
        cmocka_unit_test(test_links),
        cmocka_unit_test(test_query_rewrite),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

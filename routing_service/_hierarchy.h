/* What the hierarchy's two files share: the order is made in _hierarchy_order.c. */
#ifndef LOTSE_HIERARCHY_H
#define LOTSE_HIERARCHY_H
#include <stdint.h>

int lotse_cch_order(int32_t n, int64_t m, const int32_t *edge_u, const int32_t *edge_v,
                    const double *x, const double *y, int32_t *rank);

#endif

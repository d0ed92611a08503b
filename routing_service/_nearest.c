/* The walkable way nearest to a point (snapping), over a uniform grid of segments.
 *
 * Loaded with ctypes by routing_service/nearest_ways.py, which builds the grid. Distances,
 * the projection onto the chosen way and the point placed there use GEOS's arithmetic
 * (Distance::pointToSegment, LengthIndexOfPoint, Length::ofLine, LengthLocationMap,
 * LinearLocation::pointAlongSegmentByFraction), operation for operation, so the answers are the
 * doubles shapely gives. Build flags must not contract a*b+c into one fused operation (plain
 * -O2 on x86-64 does not).
 */
#include <math.h>
#include <stdint.h>

/* GEOS Distance::pointToSegment */
static double point_to_segment(double px, double py, double ax, double ay, double bx, double by)
{
    if (ax == bx && ay == by)
        return sqrt((px - ax) * (px - ax) + (py - ay) * (py - ay));
    double len2 = (bx - ax) * (bx - ax) + (by - ay) * (by - ay);
    double r = ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / len2;
    if (r <= 0.0)
        return sqrt((px - ax) * (px - ax) + (py - ay) * (py - ay));
    if (r >= 1.0)
        return sqrt((px - bx) * (px - bx) + (py - by) * (py - by));
    double s = ((ay - py) * (bx - ax) - (ax - px) * (by - ay)) / len2;
    return fabs(s) * sqrt(len2);
}

typedef struct {
    double x0, y0, cell;       /* grid origin and cell size (metres) */
    int32_t nx, ny;            /* cells per row, rows */
    const int64_t *cell_ptr;   /* segments of cell c: cell_seg[cell_ptr[c]:cell_ptr[c + 1]] */
    const int32_t *cell_seg;
    const double *seg;         /* ax, ay, bx, by of each segment */
    const int32_t *seg_edge;   /* the edge a segment belongs to */
    const int8_t *rank;        /* per edge: lower wins among equally near ways */
} Grid;

/* Visit the cells of ring k around (cx, cy); best_gap: least distance seen so far. With
 * tie >= 0 it instead keeps the best way among those within `limit` (rank, gap, edge). */
static void ring(const Grid *g, int32_t cx, int32_t cy, int32_t k, double px, double py,
                 double *best_gap, double tie_limit, int choose, int32_t *edge, double *gap)
{
    for (int32_t j = cy - k; j <= cy + k; j++) {
        if (j < 0 || j >= g->ny)
            continue;
        /* the first and last rows of the ring whole, the rows between at both ends only */
        int32_t step = (j == cy - k || j == cy + k) ? 1 : 2 * k;
        for (int32_t i = cx - k; i <= cx + k; i += step) {
            if (i < 0 || i >= g->nx)
                continue;
            int64_t c = (int64_t)j * g->nx + i;
            for (int64_t s = g->cell_ptr[c]; s < g->cell_ptr[c + 1]; s++) {
                const double *q = g->seg + 4 * (int64_t)g->cell_seg[s];
                double d = point_to_segment(px, py, q[0], q[1], q[2], q[3]);
                if (!choose) {
                    if (d < *best_gap)
                        *best_gap = d;
                    continue;
                }
                if (d > tie_limit)
                    continue;
                int32_t e = g->seg_edge[g->cell_seg[s]];
                if (*edge < 0 || g->rank[e] < g->rank[*edge] ||
                    (g->rank[e] == g->rank[*edge] && (d < *gap || (d == *gap && e < *edge)))) {
                    *edge = e;
                    *gap = d;
                }
            }
        }
    }
}

/* The nearest way to (px, py) within `limit`: returns its edge (or -1) and writes its distance.
 * Ways at most `tie` farther than the nearest are equally near: lowest rank, then nearest, then
 * lowest edge number. */
int32_t lotse_nearest(const double *grid_f, const int32_t *grid_i, const int64_t *cell_ptr,
                      const int32_t *cell_seg, const double *seg, const int32_t *seg_edge,
                      const int8_t *rank, double px, double py, double limit, double tie,
                      double *out_gap)
{
    Grid g = {grid_f[0], grid_f[1], grid_f[2], grid_i[0], grid_i[1], cell_ptr, cell_seg, seg,
              seg_edge, rank};
    double fx = floor((px - g.x0) / g.cell), fy = floor((py - g.y0) / g.cell);
    /* a point off the grid starts from the nearest cell inside it */
    int32_t cx = fx < 0 ? 0 : (fx >= g.nx ? g.nx - 1 : (int32_t)fx);
    int32_t cy = fy < 0 ? 0 : (fy >= g.ny ? g.ny - 1 : (int32_t)fy);
    /* how far outside the grid the point lies (the lesser of the two directions): every ring
     * covers that much more */
    double off_x = px < g.x0 ? g.x0 - px : (px > g.x0 + g.nx * g.cell ? px - g.x0 - g.nx * g.cell : 0);
    double off_y = py < g.y0 ? g.y0 - py : (py > g.y0 + g.ny * g.cell ? py - g.y0 - g.ny * g.cell : 0);
    double outside = off_x < off_y ? off_x : off_y;
    int32_t most = g.nx > g.ny ? g.nx : g.ny;
    double best = INFINITY;
    int32_t k = 0;
    /* rings 0..k hold every segment within k cells (k * cell metres) of the point's cell */
    for (;; k++) {
        ring(&g, cx, cy, k, px, py, &best, 0, 0, 0, 0);
        double covered = k * g.cell + outside;
        if (best + tie <= covered || covered > limit + tie || k > most)
            break;
    }
    if (!(best <= limit))
        return -1;
    int32_t edge = -1;
    double gap = INFINITY;
    for (int32_t r = 0; r <= k; r++)
        ring(&g, cx, cy, r, px, py, &best, best + tie, 1, &edge, &gap);
    *out_gap = gap;
    return edge;
}

/* Where on a line (n points, xy interleaved) the point (px, py) meets it: writes the fraction
 * of the line's length and the point (shapely's line_locate_point / length /
 * line_interpolate_point). */
void lotse_locate(const double *xy, int32_t n, double px, double py, double *out)
{
    double best = INFINITY, along = 0.0, start = 0.0;
    for (int32_t i = 0; i + 1 < n; i++) {
        double ax = xy[2 * i], ay = xy[2 * i + 1], bx = xy[2 * i + 2], by = xy[2 * i + 3];
        double gap = point_to_segment(px, py, ax, ay, bx, by);
        double seg_len = sqrt((ax - bx) * (ax - bx) + (ay - by) * (ay - by));
        double factor;
        if (px == ax && py == ay) {
            factor = 0.0;
        } else if (px == bx && py == by) {
            factor = 1.0;
        } else {
            double dx = bx - ax, dy = by - ay;
            factor = ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy);
        }
        double at = factor <= 0.0 ? start : (factor <= 1.0 ? start + factor * seg_len
                                                             : start + seg_len);
        if (gap < best) {
            best = gap;
            along = at;
        }
        start += seg_len;
    }
    double total = 0.0;
    for (int32_t i = 0; i + 1 < n; i++) {
        double dx = xy[2 * i + 2] - xy[2 * i], dy = xy[2 * i + 3] - xy[2 * i + 1];
        total += sqrt(dx * dx + dy * dy);
    }
    double x = xy[2 * (n - 1)], y = xy[2 * (n - 1) + 1];
    if (along <= 0.0) {
        x = xy[0];
        y = xy[1];
    } else {
        double walked = 0.0;
        for (int32_t i = 0; i + 1 < n; i++) {
            double ax = xy[2 * i], ay = xy[2 * i + 1], bx = xy[2 * i + 2], by = xy[2 * i + 3];
            double seg_len = sqrt((bx - ax) * (bx - ax) + (by - ay) * (by - ay));
            if (walked + seg_len > along) {
                double frac = (along - walked) / seg_len;
                if (frac <= 0.0) {
                    x = ax; y = ay;
                } else if (frac >= 1.0) {
                    x = bx; y = by;
                } else {
                    x = (bx - ax) * frac + ax;
                    y = (by - ay) * frac + ay;
                }
                break;
            }
            walked += seg_len;
        }
    }
    out[0] = total > 0 ? along / total : 0.0;
    out[1] = x;
    out[2] = y;
}

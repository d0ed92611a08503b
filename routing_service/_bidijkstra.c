/* Bidirectional Dijkstra / A* over a directed edge list in CSR form, called through ctypes.
 *
 * Why compiled: a route search settles a few thousand nodes; in Python that is tens of
 * milliseconds, while scipy's compiled Dijkstra allocates and scans arrays of the whole graph on
 * every call. Here the per-node arrays live in a workspace that is reused between searches and
 * "cleared" by bumping a generation stamp, so a search touches only the nodes it settles and its
 * cost does not grow with the size of the city.
 *
 * Sources and targets are weighted node lists: the origin and destination lie part-way along an
 * edge, so the search starts at that edge's ends with the cost of the part walked to them.
 * Predecessors are edge ids; a source (target) node that was never improved upon keeps the code
 * -2 - slot, which tells the caller which of its source (target) entries the path used.
 *
 * A* (optional): with node coordinates and a factor k such that every edge costs at least k times
 * its straight length, both searches are steered by the average potential
 * p(v) = k/2 * (|v - target| - |v - origin|) (forward key dist + p, backward key dist - p). It is
 * consistent for both directions, so the usual stopping rule (top of both heaps >= best path)
 * still proves the path optimal, while nodes away from the straight line are never settled.
 * With k = 0 the search is plain bidirectional Dijkstra.
 *
 * Landmarks (ALT, optional) sharpen both bounds: with dist(L, v) and dist(v, L) of a few nodes L
 * known for the same costs (``lotse_dijkstra_all``), the triangle inequality gives
 * dist(v, t) >= dist(L, t) - dist(L, v) and >= dist(v, L) - dist(t, L), each a consistent bound;
 * the largest of them and the straight-line one is used on each side.
 *
 * Plain C without Python.h: built by setuptools as an extension file, loaded with ctypes (which
 * releases the GIL for the call, so searches in several threads run in parallel, each with its
 * own workspace).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int32_t n;
    uint32_t gen;
    double *dist[2];
    int32_t *pred[2];
    uint32_t *stamp[2];
    double *pot;          /* forward potential of each node, valid where pot_stamp == gen */
    uint32_t *pot_stamp;
    int64_t settled;      /* nodes the last search settled (for measuring the bounds) */
} Workspace;

typedef struct {          /* the A* bounds of one search (active == 0: no potential) */
    int active;
    const double *x, *y;
    double k, ox, oy, tx, ty;
    int32_t n_lm;         /* landmarks: fwd[v * n_lm + l] = dist(L, v), bwd[...] = dist(v, L) */
    const double *fwd, *bwd;
    const double *to_t, *t_to, *to_s, *s_to;  /* dist(L, t), dist(t, L), dist(L, s), dist(s, L) */
} Potential;

typedef struct {
    double *key;
    int32_t *node;
    int64_t size, cap;
} Heap;

void *lotse_ws_new(int32_t n) {
    Workspace *ws = calloc(1, sizeof(Workspace));
    if (!ws) return NULL;
    ws->n = n;
    for (int s = 0; s < 2; s++) {
        ws->dist[s] = malloc(sizeof(double) * (size_t)(n > 0 ? n : 1));
        ws->pred[s] = malloc(sizeof(int32_t) * (size_t)(n > 0 ? n : 1));
        ws->stamp[s] = calloc((size_t)(n > 0 ? n : 1), sizeof(uint32_t));
        if (!ws->dist[s] || !ws->pred[s] || !ws->stamp[s]) return NULL;
    }
    ws->pot = malloc(sizeof(double) * (size_t)(n > 0 ? n : 1));
    ws->pot_stamp = calloc((size_t)(n > 0 ? n : 1), sizeof(uint32_t));
    if (!ws->pot || !ws->pot_stamp) return NULL;
    return ws;
}

/* How many nodes the last search on this workspace settled: a measure of the bounds'
 * sharpness that, unlike a timing, does not depend on what else the machine is doing. */
int64_t lotse_ws_settled(const void *p) {
    return p ? ((const Workspace *)p)->settled : -1;
}

void lotse_ws_free(void *p) {
    Workspace *ws = p;
    if (!ws) return;
    for (int s = 0; s < 2; s++) {
        free(ws->dist[s]);
        free(ws->pred[s]);
        free(ws->stamp[s]);
    }
    free(ws->pot);
    free(ws->pot_stamp);
    free(ws);
}

static int heap_push(Heap *h, double key, int32_t node) {
    if (h->size == h->cap) {
        int64_t cap = h->cap ? h->cap * 2 : 256;
        double *k = realloc(h->key, sizeof(double) * (size_t)cap);
        if (!k) return -1;
        h->key = k;
        int32_t *nd = realloc(h->node, sizeof(int32_t) * (size_t)cap);
        if (!nd) return -1;
        h->node = nd;
        h->cap = cap;
    }
    int64_t i = h->size++;
    while (i > 0) {
        int64_t parent = (i - 1) / 2;
        if (h->key[parent] <= key) break;
        h->key[i] = h->key[parent];
        h->node[i] = h->node[parent];
        i = parent;
    }
    h->key[i] = key;
    h->node[i] = node;
    return 0;
}

static void heap_pop(Heap *h) {
    double key = h->key[--h->size];
    int32_t node = h->node[h->size];
    int64_t i = 0, n = h->size;
    for (;;) {
        int64_t child = 2 * i + 1;
        if (child >= n) break;
        if (child + 1 < n && h->key[child + 1] < h->key[child]) child++;
        if (key <= h->key[child]) break;
        h->key[i] = h->key[child];
        h->node[i] = h->node[child];
        i = child;
    }
    if (n > 0) {
        h->key[i] = key;
        h->node[i] = node;
    }
}

static inline int labelled(const Workspace *ws, int side, int32_t v) {
    return ws->stamp[side][v] == ws->gen;
}

/* The forward potential of v (the backward one is its negative), computed once per search. */
static inline double potential(Workspace *ws, const Potential *p, int32_t v) {
    if (!p->active) return 0.0;
    if (ws->pot_stamp[v] != ws->gen) {
        double to_t = 0.0, from_s = 0.0;  /* lower bounds of dist(v, t) and dist(s, v) */
        if (p->k > 0.0) {
            double dxt = p->x[v] - p->tx, dyt = p->y[v] - p->ty;
            double dxo = p->x[v] - p->ox, dyo = p->y[v] - p->oy;
            to_t = p->k * sqrt(dxt * dxt + dyt * dyt);
            from_s = p->k * sqrt(dxo * dxo + dyo * dyo);
        }
        const double *fwd = p->fwd + (int64_t)v * p->n_lm, *bwd = p->bwd + (int64_t)v * p->n_lm;
        for (int32_t l = 0; l < p->n_lm; l++) {
            double a = p->to_t[l] - fwd[l];
            if (a > to_t) to_t = a;
            a = bwd[l] - p->t_to[l];
            if (a > to_t) to_t = a;
            a = fwd[l] - p->to_s[l];
            if (a > from_s) from_s = a;
            a = p->s_to[l] - bwd[l];
            if (a > from_s) from_s = a;
        }
        ws->pot[v] = 0.5 * (to_t - from_s);
        ws->pot_stamp[v] = ws->gen;
    }
    return ws->pot[v];
}

/* One-to-all Dijkstra (dist must hold n entries, all INFINITY): the landmark tables.
 * Forward over out-edges (ptr_f, adj_f, far end edge_v) gives dist(source, v); backward over
 * in-edges (ptr_b, adj_b, far end edge_u) gives dist(v, source). Returns 0, or -2 out of memory. */
int64_t lotse_dijkstra_all(const int64_t *ptr, const int32_t *adj, const int32_t *far_end,
                           const double *cost, int32_t source, double *dist)
{
    Heap heap = {0};
    int64_t result = 0;
    dist[source] = 0.0;
    if (heap_push(&heap, 0.0, source)) { result = -2; goto done; }
    while (heap.size > 0) {
        double d = heap.key[0];
        int32_t u = heap.node[0];
        heap_pop(&heap);
        if (d > dist[u]) continue;
        for (int64_t k = ptr[u]; k < ptr[u + 1]; k++) {
            int32_t e = adj[k];
            double nd = d + cost[e];
            int32_t v = far_end[e];
            if (nd < dist[v]) {
                dist[v] = nd;
                if (heap_push(&heap, nd, v)) { result = -2; goto done; }
            }
        }
    }
done:
    free(heap.key); free(heap.node);
    return result;
}

/* Returns the number of edges written to out_edges (0 if source and target meet at a node),
 * -1 if no path within limit, -2 out of memory, -3 path longer than max_out. */
int64_t lotse_bidijkstra(
    void *wsp,
    const int64_t *ptr_f, const int32_t *adj_f,   /* out-edges of each node */
    const int64_t *ptr_b, const int32_t *adj_b,   /* in-edges of each node */
    const int32_t *edge_u, const int32_t *edge_v, const double *cost,
    int32_t n_src, const int32_t *src_node, const double *src_cost,
    int32_t n_dst, const int32_t *dst_node, const double *dst_cost,
    double limit,
    const double *node_x, const double *node_y, double k, const double *ends_xy,
    int32_t n_lm, const double *lm_fwd, const double *lm_bwd, const double *lm_ends,
    int32_t *out_edges, int64_t max_out, int32_t *out_slots, double *out_cost)
{
    Workspace *ws = wsp;
    ws->settled = 0;
    if (++ws->gen == 0) {  /* stamps wrapped around: clear them once */
        memset(ws->stamp[0], 0, sizeof(uint32_t) * (size_t)ws->n);
        memset(ws->stamp[1], 0, sizeof(uint32_t) * (size_t)ws->n);
        memset(ws->pot_stamp, 0, sizeof(uint32_t) * (size_t)ws->n);
        ws->gen = 1;
    }
    /* ends_xy: origin x, y, target x, y (the snapped points, in the nodes' coordinates);
     * lm_ends: dist(L, t), dist(t, L), dist(L, s), dist(s, L), n_lm entries each */
    Potential pot = {0};
    if (node_x && node_y && ends_xy && k > 0.0) {
        pot.active = 1;
        pot.x = node_x; pot.y = node_y; pot.k = k;
        pot.ox = ends_xy[0]; pot.oy = ends_xy[1]; pot.tx = ends_xy[2]; pot.ty = ends_xy[3];
    }
    if (n_lm > 0 && lm_fwd && lm_bwd && lm_ends) {
        pot.active = 1;
        pot.n_lm = n_lm; pot.fwd = lm_fwd; pot.bwd = lm_bwd;
        pot.to_t = lm_ends; pot.t_to = lm_ends + n_lm;
        pot.to_s = lm_ends + 2 * n_lm; pot.s_to = lm_ends + 3 * n_lm;
    }
    const double sign[2] = {1.0, -1.0};  /* forward key dist + p, backward key dist - p */
    Heap heap[2] = {{0}, {0}};
    const int64_t *ptr[2] = {ptr_f, ptr_b};
    const int32_t *adj[2] = {adj_f, adj_b};
    const int32_t *far_end[2] = {edge_v, edge_u};  /* where an edge leads, searching each way */
    double best = INFINITY;
    int32_t meet = -1;
    int64_t result = -1;

    for (int side = 0; side < 2; side++) {
        int32_t count = side ? n_dst : n_src;
        const int32_t *nodes = side ? dst_node : src_node;
        const double *costs = side ? dst_cost : src_cost;
        for (int32_t i = 0; i < count; i++) {
            int32_t v = nodes[i];
            double d = costs[i];
            if (!(d < INFINITY) || v < 0 || v >= ws->n) continue;
            if (labelled(ws, side, v) && ws->dist[side][v] <= d) continue;
            ws->stamp[side][v] = ws->gen;
            ws->dist[side][v] = d;
            ws->pred[side][v] = -2 - i;
            if (heap_push(&heap[side], d + sign[side] * potential(ws, &pot, v), v)) {
                result = -2;
                goto done;
            }
        }
    }
    for (int32_t i = 0; i < n_dst; i++) {  /* a source that is itself a target */
        int32_t v = dst_node[i];
        if (v >= 0 && v < ws->n && labelled(ws, 0, v) && labelled(ws, 1, v)) {
            double total = ws->dist[0][v] + ws->dist[1][v];
            if (total < best) { best = total; meet = v; }
        }
    }

    while (heap[0].size > 0 || heap[1].size > 0) {
        double top0 = heap[0].size ? heap[0].key[0] : INFINITY;
        double top1 = heap[1].size ? heap[1].key[0] : INFINITY;
        if (top0 + top1 >= best || top0 + top1 > limit) break;
        int side = top0 <= top1 ? 0 : 1;
        Heap *h = &heap[side];
        double key = h->key[0];
        int32_t u = h->node[0];
        heap_pop(h);
        double d = ws->dist[side][u];
        /* a stale entry: u was improved since (the key is recomputed bit for bit) */
        if (key > d + sign[side] * potential(ws, &pot, u)) continue;
        ws->settled++;
        int other = 1 - side;
        for (int64_t k = ptr[side][u]; k < ptr[side][u + 1]; k++) {
            int32_t e = adj[side][k];
            double c = cost[e];
            if (!(c < INFINITY)) continue;
            int32_t v = far_end[side][e];
            double nd = d + c;
            if (labelled(ws, side, v) && ws->dist[side][v] <= nd) continue;
            ws->stamp[side][v] = ws->gen;
            ws->dist[side][v] = nd;
            ws->pred[side][v] = e;
            if (heap_push(h, nd + sign[side] * potential(ws, &pot, v), v)) {
                result = -2;
                goto done;
            }
            if (labelled(ws, other, v) && nd + ws->dist[other][v] < best) {
                best = nd + ws->dist[other][v];
                meet = v;
            }
        }
    }
    if (meet < 0 || !(best <= limit)) goto done;

    /* unwind: origin side backwards from the meeting node, then reverse; target side forwards */
    int64_t n_out = 0;
    int32_t v = meet;
    while (ws->pred[0][v] >= 0) {
        if (n_out >= max_out) { result = -3; goto done; }
        int32_t e = ws->pred[0][v];
        out_edges[n_out++] = e;
        v = edge_u[e];
    }
    out_slots[0] = -2 - ws->pred[0][v];
    for (int64_t i = 0, j = n_out - 1; i < j; i++, j--) {
        int32_t t = out_edges[i]; out_edges[i] = out_edges[j]; out_edges[j] = t;
    }
    v = meet;
    while (ws->pred[1][v] >= 0) {
        if (n_out >= max_out) { result = -3; goto done; }
        int32_t e = ws->pred[1][v];
        out_edges[n_out++] = e;
        v = edge_v[e];
    }
    out_slots[1] = -2 - ws->pred[1][v];
    *out_cost = best;
    result = n_out;
done:
    free(heap[0].key); free(heap[0].node);
    free(heap[1].key); free(heap[1].node);
    return result;
}

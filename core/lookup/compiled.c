/* compiled.c — a gazetteer as one file that is mapped and used in place.
 *
 * The file is the gazetteer's own arrays (entries, names, attributes, the
 * trie's nodes, accept records and edge table, and its three lexicons)
 * written back to back after a header that says where each one is. Loading
 * it maps the file and points the arrays into the mapping: no parsing, no
 * copying, no hashing, so a million names load in milliseconds and stay in
 * the page cache between runs. A change to a mapped gazetteer (g:add) first
 * copies its arrays ("thaws" it).
 *
 * The header is checked (magic, format version, byte order, the size and
 * place of every section against the file's size and the counts), which
 * catches a truncated file or one from another version; a checksum of the
 * whole body, checked on demand (qr_gazetteer_verify), catches the rest.
 * Numbers are in the writing machine's byte order: the file is for the
 * machines that make it. */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lookup/gazetteer_impl.h"

#define MAGIC "QRGAZ\r\n\x1a"
#define FORMAT_VERSION 6u
#define BYTE_ORDER_MARK 0x01020304u

/* The sections, in file order. */
enum {
  S_STRINGS, S_TYPE, S_POLICY, S_EFLAGS, S_NAME_FIRST, S_NAME_COUNT, S_ATTR_FIRST, S_ATTR_COUNT,
  S_NAME_OFF, S_ATTR_OFF, S_ACC_HEAD, S_ACC_ENTRY, S_ACC_NEXT, S_ACC_FLAGS, S_EDGE_KEY,
  S_EDGE_CHILD,
  S_LEX,                      /* then four per lexicon: ids, types, keys */
  L_BYTES = 0, L_OFF, L_LEN, L_SLOTS, L_COUNT,
  NSECT = S_LEX + 3 * L_COUNT
};

/* The counts that size the sections. */
enum {
  C_ENTRIES, C_NAMES, C_ATTRS, C_NODES, C_ACC, C_EDGES, C_EDGE_SLOTS, C_REMOVED, C_STOP_TYPE,
  C_STRINGS, C_LEX, /* then per lexicon: n, nbytes, nslots */
  NCOUNT = C_LEX + 3 * 3
};

_Static_assert(NSECT == QR_GAZ_NSECTIONS, "QR_GAZ_NSECTIONS in gazetteer_impl.h");

typedef struct header {
  char magic[8];
  uint32_t version, byte_order;
  uint64_t file_size;
  uint64_t body_hash;        /* of every byte after the header */
  uint64_t count[NCOUNT];
  uint64_t offset[NSECT], bytes[NSECT];
  uint64_t header_hash;      /* of the header before this field */
} header;

/* ---- writing ---------------------------------------------------------------- */

typedef struct writer {
  FILE *fp;
  uint64_t at;               /* bytes written so far */
  uint64_t hash;             /* running hash of the body */
  int failed;
} writer;

static void put(writer *w, const void *p, size_t n) {
  if (w->failed || n == 0) return;
  if (fwrite(p, 1, n, w->fp) != n) w->failed = 1;
  w->at += n;
  /* the body hash: the hash of each piece, combined in order */
  w->hash = (w->hash ^ qr_hash_bytes(p, n)) * 0x9E3779B97F4A7C15ULL;
}

static void pad8(writer *w) {
  static const char zero[8] = {0};
  if (w->at % 8) put(w, zero, 8 - w->at % 8);
}

static void section(writer *w, header *h, int s, const void *p, size_t n) {
  pad8(w);
  h->offset[s] = w->at;
  h->bytes[s] = n;
  put(w, p, n);
}

/* The edge table rebuilt for the file: the smallest power of two that is at
 * most four fifths full (the table being built stays half full, for fast
 * inserts). */
static int pack_edges(const qr_gazetteer *g, uint64_t **keys, uint32_t **child, size_t *slots) {
  size_t ns = 64;
  while (ns * 4 < g->nedges * 5) ns *= 2;
  uint64_t *k = calloc(ns, sizeof *k);
  uint32_t *c = malloc(ns * sizeof *c);
  if (!k || !c) {
    free(k);
    free(c);
    return 0;
  }
  for (size_t i = 0; i < g->edge_slots; i++) {
    uint64_t e = g->edge_key[i];
    if (!e) continue;
    size_t j = qr_gaz_edge_hash(e) & (ns - 1);
    while (k[j]) j = (j + 1) & (ns - 1);
    k[j] = e;
    c[j] = g->edge_child[i];
  }
  *keys = k;
  *child = c;
  *slots = ns;
  return 1;
}

static void write_lexicon(writer *w, header *h, int which, const qr_lexicon *lx) {
  qr_lexicon_parts p;
  qr_lexicon_get_parts(lx, &p);
  int s = S_LEX + which * L_COUNT;
  section(w, h, s + L_BYTES, p.bytes, p.nbytes);
  section(w, h, s + L_OFF, p.off, p.n * sizeof *p.off);
  section(w, h, s + L_LEN, p.len, p.n * sizeof *p.len);
  section(w, h, s + L_SLOTS, p.slots, p.nslots * sizeof *p.slots);
  h->count[C_LEX + 3 * which] = p.n;
  h->count[C_LEX + 3 * which + 1] = p.nbytes;
  h->count[C_LEX + 3 * which + 2] = p.nslots;
}

qr_status qr_gazetteer_write(const qr_gazetteer *g, FILE *fp, qr_error *err) {
  header h;
  memset(&h, 0, sizeof h);
  uint64_t *ekeys;
  uint32_t *echild;
  size_t eslots;
  if (!pack_edges(g, &ekeys, &echild, &eslots)) return qr_error_set(err, QR_ENOMEM, "out of memory");
  writer w = {fp, 0, 0, 0};
  /* a place-holder header first, the real one once the sections are known */
  if (fseek(fp, 0, SEEK_SET) != 0) w.failed = 1;
  if (!w.failed && fwrite(&h, 1, sizeof h, fp) != sizeof h) w.failed = 1;
  w.at = sizeof h;
  size_t n = g->n;
  section(&w, &h, S_STRINGS, g->strings.data, g->strings.len);
  section(&w, &h, S_TYPE, g->type, n * sizeof *g->type);
  section(&w, &h, S_POLICY, g->policy, n * sizeof *g->policy);
  section(&w, &h, S_EFLAGS, g->eflags, n * sizeof *g->eflags);
  section(&w, &h, S_NAME_FIRST, g->name_first, n * sizeof *g->name_first);
  section(&w, &h, S_NAME_COUNT, g->name_count, n * sizeof *g->name_count);
  section(&w, &h, S_ATTR_FIRST, g->attr_first, n * sizeof *g->attr_first);
  section(&w, &h, S_ATTR_COUNT, g->attr_count, n * sizeof *g->attr_count);
  section(&w, &h, S_NAME_OFF, g->name_off, g->nnames * sizeof *g->name_off);
  section(&w, &h, S_ATTR_OFF, g->attr_off, g->nattrs * sizeof *g->attr_off);
  section(&w, &h, S_ACC_HEAD, g->acc_head, g->nnodes * sizeof *g->acc_head);
  section(&w, &h, S_ACC_ENTRY, g->acc_entry, g->nacc * sizeof *g->acc_entry);
  section(&w, &h, S_ACC_NEXT, g->acc_next, g->nacc * sizeof *g->acc_next);
  section(&w, &h, S_ACC_FLAGS, g->acc_flags, g->nacc * sizeof *g->acc_flags);
  section(&w, &h, S_EDGE_KEY, ekeys, eslots * sizeof *ekeys);
  section(&w, &h, S_EDGE_CHILD, echild, eslots * sizeof *echild);
  write_lexicon(&w, &h, 0, g->ids);
  write_lexicon(&w, &h, 1, g->types);
  write_lexicon(&w, &h, 2, g->keys);
  pad8(&w);
  free(ekeys);
  free(echild);
  memcpy(h.magic, MAGIC, 8);
  h.version = FORMAT_VERSION;
  h.byte_order = BYTE_ORDER_MARK;
  h.file_size = w.at;
  h.body_hash = w.hash;
  h.count[C_ENTRIES] = n;
  h.count[C_NAMES] = g->nnames;
  h.count[C_ATTRS] = g->nattrs;
  h.count[C_NODES] = g->nnodes;
  h.count[C_ACC] = g->nacc;
  h.count[C_EDGES] = g->nedges;
  h.count[C_EDGE_SLOTS] = eslots;
  h.count[C_REMOVED] = g->nremoved;
  h.count[C_STOP_TYPE] = g->stop_type;
  h.count[C_STRINGS] = g->strings.len;
  h.header_hash = qr_hash_bytes(&h, offsetof(header, header_hash));
  if (!w.failed && (fseek(fp, 0, SEEK_SET) != 0 || fwrite(&h, 1, sizeof h, fp) != sizeof h))
    w.failed = 1;
  if (!w.failed && fseek(fp, 0, SEEK_END) != 0) w.failed = 1;
  if (w.failed) return qr_error_set(err, QR_EIO, "cannot write the gazetteer: %s", strerror(errno));
  return QR_OK;
}

/* ---- mapping ----------------------------------------------------------------- */

int qr_gazetteer_is_compiled(const char *data, size_t len) {
  return len >= 8 && memcmp(data, MAGIC, 8) == 0;
}

/* Checks the header against the file: every section inside it, aligned,
 * and of the size its count says. */
static qr_status check_header(const header *h, size_t size, const char *path, qr_error *err) {
  if (h->version != FORMAT_VERSION || h->byte_order != BYTE_ORDER_MARK)
    return qr_error_set(err, QR_EDATA, "%s: compiled by another version of quarry or on another "
                        "kind of machine; compile it again (quarry gazetteer compile)", path);
  if (h->header_hash != qr_hash_bytes(h, offsetof(header, header_hash)) || h->file_size != size)
    return qr_error_set(err, QR_EDATA, "%s: damaged or cut short (%zu bytes, the header says "
                        "%llu); compile it again", path, size, (unsigned long long)h->file_size);
  const uint64_t *c = h->count;
  /* every count that sizes a section is at most the file's size (an element
   * takes a byte or more), so that the sizes below cannot overflow */
  for (int k = 0; k < NCOUNT; k++)
    if (k != C_STOP_TYPE && c[k] > size)
      return qr_error_set(err, QR_EDATA, "%s: damaged (bad counts); compile it again", path);
  uint64_t want[NSECT] = {
    [S_STRINGS] = c[C_STRINGS], [S_TYPE] = 4 * c[C_ENTRIES], [S_POLICY] = c[C_ENTRIES],
    [S_EFLAGS] = c[C_ENTRIES], [S_NAME_FIRST] = 4 * c[C_ENTRIES],
    [S_NAME_COUNT] = 4 * c[C_ENTRIES], [S_ATTR_FIRST] = 4 * c[C_ENTRIES],
    [S_ATTR_COUNT] = 4 * c[C_ENTRIES], [S_NAME_OFF] = 8 * c[C_NAMES],
    [S_ATTR_OFF] = 8 * c[C_ATTRS], [S_ACC_HEAD] = 4 * c[C_NODES], [S_ACC_ENTRY] = 4 * c[C_ACC],
    [S_ACC_NEXT] = 4 * c[C_ACC], [S_ACC_FLAGS] = 2 * c[C_ACC], [S_EDGE_KEY] = 8 * c[C_EDGE_SLOTS],
    [S_EDGE_CHILD] = 4 * c[C_EDGE_SLOTS]};
  for (int l = 0; l < 3; l++) {
    const uint64_t *lc = c + C_LEX + 3 * l;
    int s = S_LEX + l * L_COUNT;
    want[s + L_BYTES] = lc[1];
    want[s + L_OFF] = 8 * lc[0];
    want[s + L_LEN] = 4 * lc[0];
    want[s + L_SLOTS] = 8 * lc[2];
  }
  for (int s = 0; s < NSECT; s++) {
    if (h->offset[s] % 8 || h->offset[s] < sizeof *h || h->offset[s] > size ||
        h->bytes[s] > size - h->offset[s] || h->bytes[s] != want[s])
      return qr_error_set(err, QR_EDATA, "%s: damaged (section %d out of place); compile it again",
                          path, s);
  }
  uint64_t slots = c[C_EDGE_SLOTS];
  if (c[C_NODES] == 0 || c[C_ENTRIES] > UINT32_MAX || c[C_NAMES] > UINT32_MAX ||
      c[C_ATTRS] > UINT32_MAX || c[C_REMOVED] > c[C_ENTRIES] || c[C_STOP_TYPE] > NO_ENTRY ||
      slots == 0 || (slots & (slots - 1)) ||
      c[C_EDGES] >= slots)
    return qr_error_set(err, QR_EDATA, "%s: damaged (bad counts); compile it again", path);
  return QR_OK;
}

/* The arrays of a mapped gazetteer: pointers into the mapping. */
static qr_status point_into(qr_gazetteer *g, const char *m, const header *h, const char *path,
                            qr_error *err) {
#define AT(s) ((void *)(m + h->offset[s]))
  static const char *const lexname[3] = {"ids", "types", "keys"};
  qr_lexicon *lex[3] = {NULL, NULL, NULL};
  for (int l = 0; l < 3; l++) {
    int s = S_LEX + l * L_COUNT;
    const uint64_t *lc = h->count + C_LEX + 3 * l;
    qr_lexicon_parts p = {AT(s + L_BYTES), lc[1], AT(s + L_OFF), AT(s + L_LEN), lc[0],
                          AT(s + L_SLOTS), lc[2]};
    int nomem;
    const char *problem = qr_lexicon_parts_problem(&p, &nomem);
    if (problem || !(lex[l] = qr_lexicon_view(&p))) {
      for (int k = 0; k < l; k++) qr_lexicon_free(lex[k]);
      if (nomem || !problem) return qr_error_set(err, QR_ENOMEM, "%s: out of memory", path);
      return qr_error_set(err, QR_EDATA, "%s: damaged (the %s lexicon has %s); compile it again",
                          path, lexname[l], problem);
    }
  }
  g->ids = lex[0];
  g->types = lex[1];
  g->keys = lex[2];
  g->strings.data = AT(S_STRINGS);
  g->strings.len = h->count[C_STRINGS];
  g->strings.cap = 0;
  g->type = AT(S_TYPE);
  g->policy = AT(S_POLICY);
  g->eflags = AT(S_EFLAGS);
  g->name_first = AT(S_NAME_FIRST);
  g->name_count = AT(S_NAME_COUNT);
  g->attr_first = AT(S_ATTR_FIRST);
  g->attr_count = AT(S_ATTR_COUNT);
  g->n = g->cap = h->count[C_ENTRIES];
  g->name_off = AT(S_NAME_OFF);
  g->nnames = g->names_cap = h->count[C_NAMES];
  g->attr_off = AT(S_ATTR_OFF);
  g->nattrs = g->attrs_cap = h->count[C_ATTRS];
  g->nremoved = h->count[C_REMOVED];
  g->stop_type = (uint32_t)h->count[C_STOP_TYPE];
  g->acc_head = AT(S_ACC_HEAD);
  g->nnodes = g->nodes_cap = h->count[C_NODES];
  g->acc_entry = AT(S_ACC_ENTRY);
  g->acc_next = AT(S_ACC_NEXT);
  g->acc_flags = AT(S_ACC_FLAGS);
  g->nacc = g->acc_cap = h->count[C_ACC];
  g->edge_key = AT(S_EDGE_KEY);
  g->edge_child = AT(S_EDGE_CHILD);
  g->nedges = h->count[C_EDGES];
  g->edge_slots = h->count[C_EDGE_SLOTS];
#undef AT
  return QR_OK;
}

/* ---- validation -------------------------------------------------------------- */

/* The checks below make a compiled file safe to use, whoever wrote it: a
 * pack ships compiled gazetteers, so their bytes are untrusted input, and a
 * checksum (which anyone can recompute) proves nothing about them. Every
 * index the matcher, the accessors and g:add follow is checked to point
 * inside its array, every string to end inside the strings, and every
 * structure that is walked to end: the accept lists are lists (no record
 * reached twice), the edges a tree (no node entered twice, the root never),
 * and the edge table has an empty slot for every probe to stop at. Each
 * array is read once, in order; what a check needs besides is a byte per
 * node and per accept record. A file that passes may still be nonsense (a
 * key in the wrong slot is never found), but never a crash or a hang. */

/* Is the string at off inside the strings, with its NUL there too? (The
 * strings' last byte is checked to be a NUL once, so any offset inside
 * them starts a terminated string.) */
static int string_ok(const qr_gazetteer *g, uint64_t off) { return off < g->strings.len; }

static qr_status check_entries(const qr_gazetteer *g, const char *path, qr_error *err) {
  const char *s = g->strings.data;
  if (g->strings.len && s[g->strings.len - 1] != '\0')
    return qr_error_set(err, QR_EDATA, "%s: damaged (the strings do not end); compile it again",
                        path);
  size_t ntypes = qr_lexicon_size(g->types), nremoved = 0;
  if (qr_lexicon_size(g->ids) < g->n)
    return qr_error_set(err, QR_EDATA, "%s: damaged (fewer ids than entries); compile it again",
                        path);
  if (g->stop_type != NO_ENTRY && g->stop_type >= ntypes)
    return qr_error_set(err, QR_EDATA, "%s: damaged (bad stop type); compile it again", path);
  /* branch-free over the entries (a million in a few milliseconds); the
   * bad one, if any, is looked for after */
  uint32_t bad = 0;
  for (size_t e = 0; e < g->n; e++) {
    uint64_t names_end = (uint64_t)g->name_first[e] + g->name_count[e];
    uint64_t attrs_end = (uint64_t)g->attr_first[e] + g->attr_count[e];
    uint32_t removed = (g->eflags[e] & EF_REMOVED) != 0;
    bad |= (uint32_t)(g->type[e] >= ntypes) | (uint32_t)(g->policy[e] > QR_CASE_EXACT) |
           (uint32_t)((g->eflags[e] & ~(EF_REMOVED | EF_STOP)) != 0) |
           (uint32_t)(names_end > g->nnames) | (uint32_t)(attrs_end > g->nattrs) |
           ((uint32_t)(g->name_count[e] == 0) & (removed ^ 1));
    nremoved += removed;
  }
  for (size_t e = 0; bad && e < g->n; e++) {
    if (g->type[e] >= ntypes || g->policy[e] > QR_CASE_EXACT ||
        (g->eflags[e] & ~(EF_REMOVED | EF_STOP)) ||
        (uint64_t)g->name_first[e] + g->name_count[e] > g->nnames ||
        (uint64_t)g->attr_first[e] + g->attr_count[e] > g->nattrs ||
        (g->name_count[e] == 0 && !(g->eflags[e] & EF_REMOVED)))
      return qr_error_set(err, QR_EDATA, "%s: damaged (entry %zu); compile it again", path, e + 1);
  }
  if (nremoved != g->nremoved)
    return qr_error_set(err, QR_EDATA, "%s: damaged (removed entries miscounted); compile it "
                        "again", path);
  uint64_t bad_name = 0;
  for (size_t k = 0; k < g->nnames; k++) bad_name |= (uint64_t)!string_ok(g, g->name_off[k]);
  for (size_t k = 0; bad_name && k < g->nnames; k++)
    if (!string_ok(g, g->name_off[k]))
      return qr_error_set(err, QR_EDATA, "%s: damaged (name %zu); compile it again", path, k + 1);
  for (size_t k = 0; k < g->nattrs; k++) {
    /* the value follows the key's NUL, and must start inside the strings */
    uint64_t off = g->attr_off[k];
    if (!string_ok(g, off) || !string_ok(g, off + strlen(s + off) + 1))
      return qr_error_set(err, QR_EDATA, "%s: damaged (attribute %zu); compile it again", path,
                          k + 1);
  }
  return QR_OK;
}

/* Marks bit x of set; returns whether it was marked already. */
static inline int mark(uint64_t *set, uint32_t x) {
  uint64_t bit = 1ULL << (x & 63), was = set[x >> 6] & bit;
  set[x >> 6] |= bit;
  return was != 0;
}

static qr_status check_trie(const qr_gazetteer *g, const char *path, qr_error *err) {
  if (g->nnodes >= NO_ENTRY || g->nacc >= NO_ENTRY)
    return qr_error_set(err, QR_EDATA, "%s: damaged (bad counts); compile it again", path);
  /* entered: a bit per accept record (then per node) that a link (then an
   * edge) leads to: a bit, not a byte, so that a million nodes' set stays
   * in the cache while the edges are read in their table's random order */
  size_t most = g->nacc > g->nnodes ? g->nacc : g->nnodes, words = most / 64 + 1;
  uint64_t *entered = calloc(words, sizeof *entered);
  if (!entered) return qr_error_set(err, QR_ENOMEM, "%s: out of memory", path);
  const char *problem = NULL;
  for (size_t v = 0; v < g->nnodes && !problem; v++) {
    uint32_t r = g->acc_head[v];
    if (r == NO_ENTRY) continue;
    if (r >= g->nacc || mark(entered, r)) problem = "an accept list";
  }
  for (size_t r = 0; r < g->nacc && !problem; r++) {
    uint32_t next = g->acc_next[r];
    if (g->acc_entry[r] >= g->n) problem = "an accept record";
    else if (next != NO_ENTRY && (next >= g->nacc || mark(entered, next))) problem = "an accept list";
  }
  if (!problem) memset(entered, 0, words * sizeof *entered);
  size_t used = 0;
  for (size_t i = 0; i < g->edge_slots && !problem; i++) {
    uint64_t k = g->edge_key[i];
    if (!k) continue;
    uint64_t parent = (k - 1) >> 32;
    uint32_t child = g->edge_child[i];
    used++;
    if (parent >= g->nnodes || child == 0 || child >= g->nnodes || mark(entered, child))
      problem = "an edge";
  }
  free(entered);
  if (!problem && used != g->nedges) problem = "the edge table";
  if (problem)
    return qr_error_set(err, QR_EDATA, "%s: damaged (%s); compile it again", path, problem);
  return QR_OK;
}

/* Checks what point_into pointed g at (see above). */
static qr_status validate(const qr_gazetteer *g, const char *path, qr_error *err) {
  qr_status rc = check_entries(g, path, err);
  return rc ? rc : check_trie(g, path, err);
}

/* Checks the bytes m[0, size) of a compiled gazetteer and points g's arrays
 * into them. */
static qr_status attach(qr_gazetteer *g, const char *m, size_t size, const char *name,
                        qr_error *err) {
  if (size < sizeof(header))
    return qr_error_set(err, QR_EDATA, "%s: cut short (%zu bytes)", name, size);
  header h;
  memcpy(&h, m, sizeof h);
  qr_gazetteer before = *g;   /* put back on failure: g must not point into m then */
  qr_status rc = memcmp(h.magic, MAGIC, 8) == 0
                     ? check_header(&h, size, name, err)
                     : qr_error_set(err, QR_EDATA, "%s: not a compiled gazetteer", name);
  if (rc == QR_OK) rc = point_into(g, m, &h, name, err);
  if (rc == QR_OK && (rc = validate(g, name, err))) {
    qr_lexicon_free(g->ids);
    qr_lexicon_free(g->types);
    qr_lexicon_free(g->keys);
  }
  if (rc) *g = before;
  return rc;
}

qr_status qr_gaz_map(qr_gazetteer *g, const char *path, qr_error *err) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return qr_error_set(err, QR_EIO, "%s: %s", path, strerror(errno));
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int e = errno;
    close(fd);
    return qr_error_set(err, QR_EIO, "%s: %s", path, strerror(e));
  }
  size_t size = (size_t)st.st_size;
  if (!S_ISREG(st.st_mode) || size < sizeof(header)) {
    close(fd);
    return qr_error_set(err, QR_EDATA, "%s: cut short (%zu bytes)", path, size);
  }
  void *m = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
  int e = errno;
  close(fd);
  if (m == MAP_FAILED) return qr_error_set(err, QR_EIO, "%s: %s", path, strerror(e));
  qr_status rc = attach(g, m, size, path, err);
  if (rc) {
    munmap(m, size);
    return rc;
  }
  g->map = m;
  g->maplen = size;
  g->map_heap = 0;
  return QR_OK;
}

qr_status qr_gaz_map_bytes(qr_gazetteer *g, const void *data, size_t len, const char *name,
                           qr_error *err) {
  /* a copy of exactly len bytes: malloc's alignment suits the 8-byte
   * sections, and a read past the end is a read past the allocation */
  void *m = malloc(len ? len : 1);
  if (!m) return qr_error_set(err, QR_ENOMEM, "%s: out of memory", name);
  if (len) memcpy(m, data, len);
  qr_status rc = attach(g, m, len, name, err);
  if (rc) {
    free(m);
    return rc;
  }
  g->map = m;
  g->maplen = len;
  g->map_heap = 1;
  return QR_OK;
}

void qr_gaz_unmap(qr_gazetteer *g) {
  if (!g->map) return;
  if (g->map_heap) free(g->map);
  else munmap(g->map, g->maplen);
  g->map = NULL;
  g->maplen = 0;
  g->map_heap = 0;
}

/* The body hash of the file m[0, size) whose header is h, piece by piece as
 * written: sections and their padding. Returns 0 (and leaves *hash) when
 * the sections are not in order inside the file. */
static int body_hash(const char *m, size_t size, const header *h, uint64_t *hash) {
  uint64_t v = 0, at = sizeof(header);
  for (int s = 0; s < NSECT; s++) {
    if (h->offset[s] < at || h->offset[s] > size || h->bytes[s] > size - h->offset[s]) return 0;
    if (h->offset[s] > at) {
      v = (v ^ qr_hash_bytes(m + at, (size_t)(h->offset[s] - at))) * 0x9E3779B97F4A7C15ULL;
      at = h->offset[s];
    }
    if (h->bytes[s]) {
      v = (v ^ qr_hash_bytes(m + at, (size_t)h->bytes[s])) * 0x9E3779B97F4A7C15ULL;
      at += h->bytes[s];
    }
  }
  if (size > at) v = (v ^ qr_hash_bytes(m + at, (size_t)(size - at))) * 0x9E3779B97F4A7C15ULL;
  *hash = v;
  return 1;
}

qr_status qr_gazetteer_verify(const qr_gazetteer *g, qr_error *err) {
  if (!g->map) return QR_OK;
  const header *h = g->map;
  uint64_t hash;
  if (!body_hash(g->map, g->maplen, h, &hash) || hash != h->body_hash)
    return qr_error_set(err, QR_EDATA, "the compiled gazetteer is damaged (its checksum differs)");
  return QR_OK;
}

int qr_gaz_section(const void *data, size_t len, int s, size_t *off, size_t *bytes) {
  header h;
  if (s < 0 || s >= NSECT || len < sizeof h) return 0;
  memcpy(&h, data, sizeof h);
  if (h.offset[s] > len || h.bytes[s] > len - h.offset[s]) return 0;
  *off = (size_t)h.offset[s];
  *bytes = (size_t)h.bytes[s];
  return 1;
}

void qr_gaz_reseal(void *data, size_t len) {
  header h;
  if (len < sizeof h) return;
  memcpy(&h, data, sizeof h);
  h.file_size = len;
  body_hash(data, len, &h, &h.body_hash);
  h.header_hash = qr_hash_bytes(&h, offsetof(header, header_hash));
  memcpy(data, &h, sizeof h);
}

/* ---- thawing ----------------------------------------------------------------- */

/* A malloc'ed copy of n elements of size sz (room for at least one). */
static void *dup_array(const void *p, size_t n, size_t sz) {
  void *q = malloc((n ? n : 1) * sz);
  if (q && n) memcpy(q, p, n * sz);
  return q;
}

qr_status qr_gaz_thaw(qr_gazetteer *g) {
  if (!g->map) return QR_OK;
  /* everything copied first, so that a failure changes nothing */
  size_t n = g->n, slots = g->edge_slots;
  void *a[17];
  a[0] = dup_array(g->strings.data, g->strings.len, 1);
  a[1] = dup_array(g->type, n, sizeof *g->type);
  a[2] = dup_array(g->policy, n, 1);
  a[3] = dup_array(g->eflags, n, 1);
  a[4] = dup_array(g->name_first, n, sizeof *g->name_first);
  a[5] = dup_array(g->name_count, n, sizeof *g->name_count);
  a[6] = dup_array(g->attr_first, n, sizeof *g->attr_first);
  a[7] = dup_array(g->attr_count, n, sizeof *g->attr_count);
  a[8] = dup_array(g->name_off, g->nnames, sizeof *g->name_off);
  a[9] = dup_array(g->attr_off, g->nattrs, sizeof *g->attr_off);
  a[10] = dup_array(g->acc_head, g->nnodes, sizeof *g->acc_head);
  a[11] = dup_array(g->acc_entry, g->nacc, sizeof *g->acc_entry);
  a[12] = dup_array(g->acc_next, g->nacc, sizeof *g->acc_next);
  a[13] = dup_array(g->acc_flags, g->nacc, sizeof *g->acc_flags);
  a[14] = dup_array(g->edge_key, slots, sizeof *g->edge_key);
  a[15] = dup_array(g->edge_child, slots, sizeof *g->edge_child);
  a[16] = NULL;
  int ok = 1;
  for (int k = 0; k < 16; k++) ok &= a[k] != NULL;
  if (!ok || qr_lexicon_thaw(g->ids) || qr_lexicon_thaw(g->types) || qr_lexicon_thaw(g->keys)) {
    for (int k = 0; k < 16; k++) free(a[k]);
    return QR_ENOMEM;
  }
  g->strings.data = a[0];
  g->strings.cap = g->strings.len ? g->strings.len : 1;
  g->type = a[1];
  g->policy = a[2];
  g->eflags = a[3];
  g->name_first = a[4];
  g->name_count = a[5];
  g->attr_first = a[6];
  g->attr_count = a[7];
  g->cap = n ? n : 1;
  g->name_off = a[8];
  g->names_cap = g->nnames ? g->nnames : 1;
  g->attr_off = a[9];
  g->attrs_cap = g->nattrs ? g->nattrs : 1;
  g->acc_head = a[10];
  g->nodes_cap = g->nnodes;
  g->acc_entry = a[11];
  g->acc_next = a[12];
  g->acc_flags = a[13];
  g->acc_cap = g->nacc ? g->nacc : 1;
  g->edge_key = a[14];
  g->edge_child = a[15];
  qr_gaz_unmap(g);
  return QR_OK;
}

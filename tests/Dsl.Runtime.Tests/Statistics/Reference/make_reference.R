# Reference values for Scheme.Runtime.Statistics, computed with R's own functions.
#
# Regenerate (from the repository root; needs only base R, e.g. Debian's r-base-core):
#   Rscript tests/Dsl.Runtime.Tests/Statistics/Reference/make_reference.R
# The CSV files are written beside this script and are committed. Output is deterministic (fixed seed).
# Generated with R 4.2.2 (Debian 12 r-base-core). Numbers are printed with 17 significant digits.
#
# Files (one row per case):
#   intervals.csv    k,n,level -> Wilson (written out), Clopper-Pearson (qbeta) and Beta(1,1) posterior (qbeta) bounds
#   binom_test.csv   k,n,p0,alternative -> binom.test p-value
#   mcnemar.csv      b,c,alternative -> binom.test(b, b + c, 0.5) p-value (exact McNemar)
#   fisher.csv       a,b,c,d,alternative -> fisher.test p-value for matrix [[a, b], [c, d]]
#   newcombe.csv     k1,n1,k2,n2,level -> Newcombe method 10 interval (written out from Wilson bounds)
#   newcombe_test.csv        k1,n1,k2,n2,alternative -> p-value of inverting the Newcombe interval (independent)
#   newcombe_paired_test.csv a,b,c,d,alternative -> p-value of inverting the paired Newcombe interval
#   p_adjust.csv     case,method,p,adjusted -> p.adjust; vectors are ';'-separated, NA for missing
#   coverage.csv     method,p,n,level -> exact coverage sum_k dbinom(k, n, p) * [lower(k) <= p <= upper(k)]
#   t_test.csv       kind,x,y,mu,alternative,level -> t.test statistic, df, p-value, estimate and the two-sided interval at
#                    level; kind is one_sample, welch or paired; vectors are ';'-separated, 'v*k' is v repeated k times

args <- commandArgs(trailingOnly = FALSE)
file_arg <- sub("^--file=", "", args[grep("^--file=", args)])
out_dir <- if (length(file_arg) == 1) dirname(normalizePath(file_arg)) else getwd()

set.seed(20250601)
fmt <- function(x) ifelse(is.na(x), "NA", sprintf("%.17g", x))
write_ref <- function(df, name) {
  for (col in names(df)) if (is.double(df[[col]])) df[[col]] <- fmt(df[[col]])
  write.csv(df, file.path(out_dir, name), row.names = FALSE, quote = FALSE)
  cat(sprintf("%-16s %5d rows\n", name, nrow(df)))
}

# ---------------------------------------------------------------- single-rate intervals
# Wilson score interval written out. Lower bound in the conjugate form k^2 / (n (k + z^2/2 + z s)), which equals
# (k + z^2/2 - z s) / (n + z^2) but does not cancel to noise at k = 0; upper bound is the plain sum.
wilson <- function(k, n, level) {
  z <- qnorm(1 - (1 - level) / 2)
  s <- sqrt(k * (n - k) / n + z^2 / 4)
  lower <- k^2 / (n * (k + z^2 / 2 + z * s))
  upper <- ifelse(k == n, 1, (k + z^2 / 2 + z * s) / (n + z^2))
  cbind(lower, upper)
}
clopper_pearson <- function(k, n, level) {
  a <- 1 - level
  cbind(ifelse(k == 0, 0, qbeta(a / 2, k, n - k + 1)),
        ifelse(k == n, 1, qbeta(1 - a / 2, k + 1, n - k)))
}
beta_posterior <- function(k, n, level) {
  a <- 1 - level
  cbind(qbeta(a / 2, k + 1, n - k + 1), qbeta(1 - a / 2, k + 1, n - k + 1))
}

iv <- expand.grid(n = c(1, 2, 3, 5, 10, 20, 50, 99, 100, 1000, 10^4, 10^5, 10^6), kind = 1:6,
                  level = c(0.95, 0.9, 0.99, 0.5))
iv$k <- with(iv, pmin(n, pmax(0, c(0, 1, round(n / 2), n - 1, n, round(n / 3))[kind])))
iv <- iv[, c("k", "n", "level")]
rn <- c(sample(1:200, 80, replace = TRUE), sample(200:10^6, 20))
iv <- rbind(iv, data.frame(k = sapply(rn, function(n) sample(0:n, 1)), n = rn,
                           level = sample(c(0.95, 0.9, 0.99, 0.8), 100, replace = TRUE)))
iv <- unique(iv)
w <- wilson(iv$k, iv$n, iv$level)
cp <- clopper_pearson(iv$k, iv$n, iv$level)
bp <- beta_posterior(iv$k, iv$n, iv$level)
# Cross-checks against R's own implementations.
pt <- t(mapply(function(k, n, l) suppressWarnings(prop.test(k, n, conf.level = l, correct = FALSE)$conf.int),
               iv$k, iv$n, iv$level))
stopifnot(isTRUE(all.equal(unname(w), unname(pt), tolerance = 1e-9)))
bt <- t(mapply(function(k, n, l) binom.test(k, n, conf.level = l)$conf.int, iv$k, iv$n, iv$level))
stopifnot(isTRUE(all.equal(unname(cp), unname(bt), tolerance = 1e-12)))
write_ref(data.frame(k = as.integer(iv$k), n = as.integer(iv$n), level = iv$level,
                     wilson_lower = w[, 1], wilson_upper = w[, 2],
                     cp_lower = cp[, 1], cp_upper = cp[, 2],
                     beta_lower = bp[, 1], beta_upper = bp[, 2]), "intervals.csv")

# ---------------------------------------------------------------- exact binomial test
alts <- c("two.sided", "less", "greater")
bn <- data.frame(k = integer(), n = integer(), p0 = double())
add_bn <- function(k, n, p0) bn <<- rbind(bn, data.frame(k = k, n = n, p0 = p0))
for (n in c(1, 2, 5, 10, 99, 100, 1000, 10^6)) for (p0 in c(0.5, 0.25, 0.1, 0.9, 0.01)) {
  m <- n * p0
  ks <- unique(pmin(n, pmax(0, round(c(0, 1, n - 1, n, m, m - 1, m + 1, m - 3 * sqrt(n), m + 3 * sqrt(n),
                                       m / 2, (m + n) / 2)))))
  add_bn(ks, n, p0)
}
add_bn(c(0, 1, 4, 5), 5, 0); add_bn(c(0, 1, 4, 5), 5, 1)  # degenerate nulls p0 = 0 and p0 = 1
add_bn(33:38, 99, 0.25)                          # Meinke et al. 2024 decision boundary region
add_bn(c(0, 10^6), 10^6, 0.5)                    # astronomically small p-values (underflow to 0 in R too)
add_bn(c(498500, 501500, 497000, 503000), 10^6, 0.5)  # p ~ 1e-2 .. 1e-9 at n = 1e6
add_bn(c(482000, 518000), 10^6, 0.5)             # p ~ 1e-300 at n = 1e6
rn <- sample(1:300, 100, replace = TRUE)
add_bn(sapply(rn, function(n) sample(0:n, 1)), rn, round(runif(100, 0.02, 0.98), 3))
bn <- unique(bn)
bn <- bn[rep(seq_len(nrow(bn)), each = 3), ]
bn$alternative <- rep(alts, length.out = nrow(bn))
bn$p_value <- mapply(function(k, n, p0, a) binom.test(k, n, p0, alternative = a)$p.value,
                     bn$k, bn$n, bn$p0, bn$alternative)
bn$k <- as.integer(bn$k); bn$n <- as.integer(bn$n)
write_ref(bn, "binom_test.csv")

# ---------------------------------------------------------------- exact McNemar = binom.test(b, b + c)
mc <- data.frame(b = c(0, 1, 0, 1, 5, 0, 20, 3, 10, 0, 10^5, 500000, 499000, 1, 30, 12),
                 c = c(1, 0, 5, 1, 0, 20, 0, 10, 3, 10^6 - 1, 10^5 + 700, 500000, 501000, 60, 1, 13))
rb <- sample(0:60, 80, replace = TRUE); rc <- sample(0:60, 80, replace = TRUE)
mc <- rbind(mc, data.frame(b = rb, c = rc))
mc <- unique(mc[mc$b + mc$c > 0, ])             # binom.test refuses n = 0; the C# convention (p = 1) is tested apart
mc <- mc[rep(seq_len(nrow(mc)), each = 3), ]
mc$alternative <- rep(alts, length.out = nrow(mc))
mc$p_value <- mapply(function(b, c, a) binom.test(b, b + c, 0.5, alternative = a)$p.value, mc$b, mc$c, mc$alternative)
mc$b <- as.integer(mc$b); mc$c <- as.integer(mc$c)
write_ref(mc, "mcnemar.csv")

# ---------------------------------------------------------------- Fisher's exact test
fi <- data.frame(a = c(0, 1, 0, 0, 3, 1, 0, 10, 500, 0, 12, 2, 7, 0, 1, 10^5, 500000, 400000, 2, 1000),
                 b = c(0, 0, 1, 0, 1, 3, 10, 0, 0, 500, 5, 7, 2, 0, 1, 10^5 + 900, 500000, 100000, 10^6 - 2, 0),
                 c = c(0, 0, 0, 1, 1, 3, 10, 0, 0, 500, 4, 8, 3, 5, 0, 10^5 + 500, 500000, 100000, 3, 0),
                 d = c(0, 0, 0, 0, 3, 1, 0, 10, 500, 0, 10, 1, 8, 5, 0, 10^5, 500000, 400000, 10^6 - 3, 1000))
r4 <- matrix(sample(0:40, 4 * 90, replace = TRUE), ncol = 4)
fi <- rbind(fi, setNames(as.data.frame(r4), c("a", "b", "c", "d")))
big <- matrix(sample(0:3000, 4 * 10, replace = TRUE), ncol = 4)
fi <- rbind(fi, setNames(as.data.frame(big), c("a", "b", "c", "d")))
# Tables [[a, s-a], [s-a, a]] have equal margins, so the mirror table is exactly as likely as the observed one:
# these exercise the relErr = 1 + 1e-7 slack (without it, rounding decides whether the mirror table counts).
sym <- do.call(rbind, lapply(c(2, 4, 7, 10, 21, 50, 101, 1000, 20000), function(s)
  data.frame(a = unique(round(c(0, 1, s / 4, s / 3, s / 2 - 1))), s = s)))
fi <- rbind(fi, data.frame(a = sym$a, b = sym$s - sym$a, c = sym$s - sym$a, d = sym$a))
# Equal row totals with unequal column totals: P(a = x) = P(a = c1 - x) exactly, but the two are computed by
# different floating-point operations, so only the 1e-7 slack makes the tie count reliably.
eq_rows <- do.call(rbind, lapply(c(3, 5, 8, 13, 30, 77, 150, 900), function(r)
  do.call(rbind, lapply(1:5, function(i) { a <- sample(0:r, 1); c <- sample(0:r, 1)
    data.frame(a = a, b = r - a, c = c, d = r - c) }))))
fi <- rbind(fi, eq_rows)
fi <- unique(fi)
fi <- fi[rep(seq_len(nrow(fi)), each = 3), ]
fi$alternative <- rep(alts, length.out = nrow(fi))
fi$p_value <- mapply(function(a, b, c, d, alt) fisher.test(matrix(c(a, c, b, d), 2), alternative = alt)$p.value,
                     fi$a, fi$b, fi$c, fi$d, fi$alternative)
for (col in c("a", "b", "c", "d")) fi[[col]] <- as.integer(fi[[col]])
write_ref(fi, "fisher.csv")

# ---------------------------------------------------------------- Newcombe hybrid score interval (method 10)
newcombe <- function(k1, n1, k2, n2, level) {
  w1 <- wilson(k1, n1, level); w2 <- wilson(k2, n2, level)
  p1 <- k1 / n1; p2 <- k2 / n2; d <- p1 - p2
  cbind(d - sqrt((p1 - w1[, 1])^2 + (w2[, 2] - p2)^2),
        d + sqrt((w1[, 2] - p1)^2 + (p2 - w2[, 1])^2))
}
nc <- data.frame(k1 = c(0, 1, 0, 1, 0, 5, 56, 9, 6, 5, 0, 10^6, 1, 500000, 3),
                 n1 = c(1, 1, 1, 1, 10, 10, 70, 10, 7, 56, 10, 10^6, 10^6, 10^6, 100),
                 k2 = c(0, 0, 1, 1, 10, 5, 48, 3, 2, 0, 0, 0, 0, 499000, 97),
                 n2 = c(1, 1, 1, 1, 10, 10, 80, 10, 7, 29, 20, 10^6, 10^6, 10^6, 100),
                 level = 0.95)
rn1 <- sample(1:300, 190, replace = TRUE); rn2 <- sample(1:300, 190, replace = TRUE)
nc <- rbind(nc, data.frame(k1 = sapply(rn1, function(n) sample(0:n, 1)), n1 = rn1,
                           k2 = sapply(rn2, function(n) sample(0:n, 1)), n2 = rn2,
                           level = sample(c(0.95, 0.9, 0.99), 190, replace = TRUE)))
# Newcombe (1998) Table II, example (a) 56/70 vs 48/80: method 10 gives 0.0524 to 0.3339.
ex <- newcombe(56, 70, 48, 80, 0.95)
stopifnot(abs(ex[1] - 0.0524) < 5e-5, abs(ex[2] - 0.3339) < 5e-5)
ni <- newcombe(nc$k1, nc$n1, nc$k2, nc$n2, nc$level)
nc$lower <- ni[, 1]; nc$upper <- ni[, 2]
for (col in c("k1", "n1", "k2", "n2")) nc[[col]] <- as.integer(nc[[col]])
write_ref(nc, "newcombe.csv")

# ---------------------------------------------------------------- p.adjust holm / BH
pa_vectors <- list(c(0.01), c(0.5), c(0.01, 0.01), c(0, 1), c(0.04, 0.03, 0.02, 0.01), c(1, 1, 1),
                   c(0, 0, 0.5), c(0.01, NA, 0.02, NA), c(NA, 0.3), c(0.05, 0.05, 0.05, 0.05, 0.05),
                   c(1e-300, 1e-200, 0.5, 1e-300), c(0.049, 0.051, 0.0001, 0.9, 0.2))
for (i in 1:200) {
  len <- sample(c(1:10, 20, 50), 1)
  p <- runif(len)^sample(1:4, 1)
  if (runif(1) < 0.4) p <- round(p, sample(1:2, 1))                    # ties
  if (runif(1) < 0.1) p[sample(len, 1)] <- NA
  if (runif(1) < 0.1) p[sample(len, 1)] <- sample(c(0, 1), 1)
  pa_vectors[[length(pa_vectors) + 1]] <- p
}
pa <- do.call(rbind, lapply(seq_along(pa_vectors), function(i) {
  p <- pa_vectors[[i]]
  do.call(rbind, lapply(c("holm", "BH"), function(m)
    data.frame(case = i, method = m, p = paste(fmt(p), collapse = ";"),
               adjusted = paste(fmt(p.adjust(p, m)), collapse = ";"))))
}))
write_ref(pa, "p_adjust.csv")

# ---------------------------------------------------------------- exact coverage of the 95% intervals
cv <- expand.grid(p = c(0.01, 0.05, 0.1, 0.3, 0.5), n = c(10, 30, 100, 500),
                  method = c("wilson", "clopper_pearson", "beta_posterior"), stringsAsFactors = FALSE)
cv$level <- 0.95
cv$exact_coverage <- mapply(function(p, n, method, level) {
  k <- 0:n
  b <- switch(method, wilson = wilson(k, n, level), clopper_pearson = clopper_pearson(k, n, level),
              beta_posterior = beta_posterior(k, n, level))
  sum(dbinom(k, n, p)[b[, 1] <= p & p <= b[, 2]])
}, cv$p, cv$n, cv$method, cv$level)
cv$n <- as.integer(cv$n)
write_ref(cv[, c("method", "p", "n", "level", "exact_coverage")], "coverage.csv")
cat("Wilson exact coverage at p = 0.1, n = 100:",
    fmt(cv$exact_coverage[cv$method == "wilson" & cv$p == 0.1 & cv$n == 100]), "\n")
cat("Smallest k rejecting binom.test(k, 99, 0.25, 'greater') at 0.01:",
    min(which(sapply(0:99, function(k) binom.test(k, 99, 0.25, alternative = "greater")$p.value) <= 0.01)) - 1, "\n")

# ---------------------------------------------------------------- Newcombe test: p-value of inverting the interval
# Definition (NewcombeTest.cs does the same): L(z), U(z) are the interval's bounds at normal quantile z (two-sided level
# 2 pnorm(z) - 1); both equal the estimate D at z = 0. D > 0: z* solves L(z*) = 0, p(greater) = pnorm(-z*),
# p(less) = 1 - p(greater). D < 0: z* solves U(z*) = 0, p(less) = pnorm(-z*), p(greater) = 1 - p(less). D = 0: both 1/2.
# p(two.sided) = min(1, 2 min(p(greater), p(less))) = 2 pnorm(-z*): the smallest alpha at which the 100(1 - alpha)%
# interval excludes 0. A root past z = 40 gives p = 0. This is uniroot over alpha = 2 pnorm(-z), solved on the z scale
# (monotone in alpha), where p-values far below 1e-16 keep their digits.
# Wilson bounds as functions of z; the lower bound at k = 0 is 0 for every z (the conjugate form is 0/0 at z = 0).
wilson_z <- function(k, n, z) {
  s <- sqrt(k * (n - k) / n + z^2 / 4)
  c(ifelse(k == 0, 0, k^2 / (n * (k + z^2 / 2 + z * s))), ifelse(k == n, 1, (k + z^2 / 2 + z * s) / (n + z^2)))
}
newcombe_z <- function(k1, n1, k2, n2, z) {
  w1 <- wilson_z(k1, n1, z); w2 <- wilson_z(k2, n2, z); p1 <- k1 / n1; p2 <- k2 / n2
  c(p1 - p2 - sqrt((p1 - w1[1])^2 + (w2[2] - p2)^2), p1 - p2 + sqrt((w1[2] - p1)^2 + (p2 - w2[1])^2))
}
# Paired method 10 (Newcombe 1998, Stat Med 17:2635; Altman et al. 2000, p. 52), as PairedNewcombeInterval.Bounds.
paired_z <- function(a, b, c, d, z) {
  n <- a + b + c + d; p1 <- (a + b) / n; p2 <- (a + c) / n
  w1 <- wilson_z(a + b, n, z); w2 <- wilson_z(a + c, n, z)
  margins <- (a + b) * (c + d) * (a + c) * (b + d); cross <- a * d - b * c
  shrunk <- if (cross > n / 2) cross - n / 2 else if (cross < 0) cross else 0
  phi <- if (margins > 0) shrunk / sqrt(margins) else 0
  dl1 <- p1 - w1[1]; du1 <- w1[2] - p1; dl2 <- p2 - w2[1]; du2 <- w2[2] - p2
  c(p1 - p2 - sqrt(max(0, dl1^2 - 2 * phi * dl1 * du2 + du2^2)), p1 - p2 + sqrt(max(0, du1^2 - 2 * phi * du1 * dl2 + dl2^2)))
}
z_grid <- c(seq(0, 5, length.out = 501), seq(5.1, 40, length.out = 350))
invert <- function(d, bounds) {
  # The definition needs L decreasing and U increasing in z; check it on a grid for every case.
  b <- sapply(z_grid, bounds)
  stopifnot(all(diff(b[1, ]) <= 1e-13), all(diff(b[2, ]) >= -1e-13))
  root <- function(f) if (f(40) > 0) 40 else uniroot(f, c(0, 40), tol = 1e-300, maxiter = 10000)$root
  if (d > 0) { g <- pnorm(-root(function(z) bounds(z)[1])); l <- 1 - g }
  else if (d < 0) { l <- pnorm(-root(function(z) -bounds(z)[2])); g <- 1 - l }
  else { g <- 0.5; l <- 0.5 }
  c(greater = g, less = l, two.sided = min(1, 2 * min(g, l)))
}
# The issue's example: 0/100 vs 100/100 gives 1.9e-54 (two-sided), not 1.
stopifnot(abs(invert(-1, function(z) newcombe_z(0, 100, 100, 100, z))[["two.sided"]] / 1.926594e-54 - 1) < 1e-6)
# Consistency with the interval: at level 1 - p the 95%-style interval's bound is exactly 0.
stopifnot(abs(newcombe(56, 70, 48, 80, 1 - invert(0.2, function(z) newcombe_z(56, 70, 48, 80, z))[["two.sided"]])[1]) < 1e-9)

nt <- data.frame(k1 = c(0, 100, 0, 1, 0, 10, 0, 10, 0, 0, 0, 0, 0, 10^6, 0, 500000, 56, 20, 100, 7, 0, 3, 1, 0, 30, 0),
                 n1 = c(100, 100, 1, 1, 10, 10, 10, 10, 50, 100, 1000, 10^6, 10^6, 10^6, 2, 10^6, 70, 20, 100, 7, 3, 3, 1, 1, 30, 10^5),
                 k2 = c(100, 0, 1, 0, 0, 10, 10, 0, 1, 13, 5, 10^6, 30, 0, 0, 499000, 48, 15, 99, 0, 3, 0, 1, 0, 0, 10^5),
                 n2 = c(100, 100, 1, 1, 10, 10, 10, 10, 50, 100, 1000, 10^6, 10^6, 10^6, 5, 10^6, 80, 20, 100, 3, 3, 3, 1, 1, 30, 10^5))
rn1 <- sample(1:300, 120, replace = TRUE); rn2 <- sample(1:300, 120, replace = TRUE)
nt <- rbind(nt, data.frame(k1 = sapply(rn1, function(n) sample(0:n, 1)), n1 = rn1,
                           k2 = sapply(rn2, function(n) sample(0:n, 1)), n2 = rn2))
# Zero and all-success cells on one or both sides, against random counts.
zn1 <- sample(1:500, 70, replace = TRUE); zn2 <- sample(1:500, 70, replace = TRUE)
edge <- sample(c("zero", "all"), 70, replace = TRUE)
zk1 <- ifelse(edge == "zero", 0, zn1)
zk2 <- sapply(zn2, function(n) sample(0:n, 1))
side <- sample(c(TRUE, FALSE), 70, replace = TRUE)  # which side holds the edge cell
nt <- rbind(nt, data.frame(k1 = ifelse(side, zk1, zk2), n1 = ifelse(side, zn1, zn2),
                           k2 = ifelse(side, zk2, zk1), n2 = ifelse(side, zn2, zn1)))
nt <- unique(nt)
np <- t(mapply(function(k1, n1, k2, n2) invert(k1 / n1 - k2 / n2, function(z) newcombe_z(k1, n1, k2, n2, z)),
               nt$k1, nt$n1, nt$k2, nt$n2))
nt <- nt[rep(seq_len(nrow(nt)), each = 3), ]
nt$alternative <- rep(alts, length.out = nrow(nt))
nt$p_value <- np[cbind(rep(seq_len(nrow(np)), each = 3), match(nt$alternative, colnames(np)))]
for (col in c("k1", "n1", "k2", "n2")) nt[[col]] <- as.integer(nt[[col]])
write_ref(nt, "newcombe_test.csv")

pt <- data.frame(a = c(0, 10, 0, 0, 0, 3, 0, 5, 0, 0, 1, 0, 0, 40, 0, 400000, 0, 2, 0, 12),
                 b = c(0, 0, 5, 0, 10, 9, 1, 0, 100, 0, 0, 7, 3, 0, 1, 1000, 0, 0, 30, 0),
                 c = c(0, 0, 0, 5, 0, 2, 0, 3, 0, 100, 0, 0, 3, 1, 1, 500, 30, 2, 0, 9),
                 d = c(10, 0, 0, 0, 10, 6, 0, 2, 0, 0, 0, 0, 0, 0, 0, 598500, 0, 0, 0, 0))
rt <- matrix(sample(0:40, 4 * 110, replace = TRUE), ncol = 4)
pt <- rbind(pt, setNames(as.data.frame(rt), c("a", "b", "c", "d")))
# Random tables with one or two cells forced to 0.
zt <- matrix(sample(0:60, 4 * 90, replace = TRUE), ncol = 4)
for (i in seq_len(nrow(zt))) zt[i, sample(1:4, sample(1:2, 1))] <- 0
pt <- rbind(pt, setNames(as.data.frame(zt), c("a", "b", "c", "d")))
pt <- unique(pt[pt$a + pt$b + pt$c + pt$d > 0, ])
pp <- t(mapply(function(a, b, c, d) invert((b - c) / (a + b + c + d), function(z) paired_z(a, b, c, d, z)),
               pt$a, pt$b, pt$c, pt$d))
pt <- pt[rep(seq_len(nrow(pt)), each = 3), ]
pt$alternative <- rep(alts, length.out = nrow(pt))
pt$p_value <- pp[cbind(rep(seq_len(nrow(pp)), each = 3), match(pt$alternative, colnames(pp)))]
for (col in c("a", "b", "c", "d")) pt[[col]] <- as.integer(pt[[col]])
write_ref(pt, "newcombe_paired_test.csv")

# Exact power (alpha 0.01, alternative "less") of 0.4% vs 13% with 100 units per cell: the issue's diagnose case,
# where Newcombe read 29% (every table with 0 left successes gave p = 0.5) and Fisher 95%.
pw <- expand.grid(k1 = 0:100, k2 = 0:100)
pw$w <- dbinom(pw$k1, 100, 0.004) * dbinom(pw$k2, 100, 0.13)
pw <- pw[pw$w > 1e-17, ]
pw$newcombe <- mapply(function(k1, k2) invert(k1 / 100 - k2 / 100, function(z) newcombe_z(k1, 100, k2, 100, z))[["less"]], pw$k1, pw$k2)
pw$fisher <- mapply(function(k1, k2) fisher.test(matrix(c(k1, k2, 100 - k1, 100 - k2), 2), alternative = "less")$p.value, pw$k1, pw$k2)
cat("Exact power, 0.4% vs 13%, 100 units each, alpha 0.01, less: newcombe", fmt(sum(pw$w[pw$newcombe <= 0.01])),
    "fisher", fmt(sum(pw$w[pw$fisher <= 0.01])), "\n")

# ---------------------------------------------------------------- t tests: one-sample, Welch, paired
# Vectors are written run-length encoded ("v*k" is v repeated k times) so that samples of a million values, whose df is
# where R's pt switches to its normal approximation (df > 4e5), fit in a few bytes.
rle_text <- function(x) {
  r <- rle(x)
  paste(ifelse(r$lengths == 1, fmt(r$values), paste0(fmt(r$values), "*", r$lengths)), collapse = ";")
}
tt <- list()
add_tt <- function(kind, x, y = NULL, mu = 0, level = 0.95) tt[[length(tt) + 1]] <<- list(kind = kind, x = x, y = y, mu = mu, level = level)
# R's own examples: the sleep data (Student 1908), Welch and paired.
add_tt("welch", sleep$extra[1:10], sleep$extra[11:20])
add_tt("paired", sleep$extra[1:10], sleep$extra[11:20])
add_tt("one_sample", 1:4 + 0, mu = 0)
add_tt("one_sample", c(1, 2), mu = 0.5)                          # n = 2: df = 1, a Cauchy tail
add_tt("one_sample", c(0.2, 0.9, 0.4), mu = 0.5, level = 0.99)
add_tt("one_sample", 10 + (1:50) / 1000, mu = 0)                  # t ~ 2e3: p far below 1e-100
add_tt("one_sample", rep(c(0, 1), c(600000, 400000)), mu = 0.4005) # df ~ 1e6: R's normal approximation of pt
add_tt("one_sample", rep(c(2, 3, 5), c(1000, 2000, 500)), mu = 3, level = 0.9)
add_tt("welch", c(1, 2, 3), c(5, 5, 5, 5))                        # one side without variance: df = n1 - 1
add_tt("welch", c(1, 2), c(10, 30, 20, 25, 40, 12))
add_tt("welch", rep(c(0, 1), c(700000, 300000)), rep(c(0, 1), c(699000, 301000)))
add_tt("paired", c(3, 5, 4, 8), c(1, 1, 2, 2), level = 0.5)
add_tt("paired", rep(c(1, 0), c(5000, 6000)), rep(c(0, 0.5, 1), c(4000, 4000, 3000)))
for (i in 1:60) {
  n1 <- sample(c(2:12, 20, 50, 200), 1); n2 <- sample(c(2:12, 20, 50, 200), 1)
  scale <- 10^sample(-3:3, 1)
  x <- round(rnorm(n1, sample(c(0, 0.3, 5), 1), scale * runif(1, 0.2, 3)), sample(2:6, 1))
  y <- round(rnorm(n2, 0, scale * runif(1, 0.2, 3)), sample(2:6, 1))
  level <- sample(c(0.95, 0.9, 0.99, 0.8), 1)
  kind <- c("one_sample", "welch", "paired")[i %% 3 + 1]
  if (kind == "paired") y <- round(x - rnorm(n1, sample(c(0, 0.5), 1) * scale, scale), 4)
  # Rounding can leave a sample without variance, which t.test refuses (tested apart, below).
  spread <- switch(kind, one_sample = sd(x), welch = sd(x) + sd(y), paired = sd(x - y))
  if (!(spread > 0)) next
  if (kind == "one_sample") add_tt(kind, x, mu = round(mean(x) + sample(c(-2, -0.5, 0, 0.1, 1), 1) * sd(x), 3), level = level)
  else add_tt(kind, x, y, level = level)
}
run_tt <- function(case, alternative) {
  args <- list(x = case$x, alternative = alternative, mu = case$mu, conf.level = case$level)
  if (case$kind != "one_sample") args$y <- case$y
  if (case$kind == "paired") args$paired <- TRUE
  test <- do.call(t.test, args)
  two <- do.call(t.test, modifyList(args, list(alternative = "two.sided")))
  estimate <- if (case$kind == "welch") unname(test$estimate[1] - test$estimate[2]) else unname(test$estimate)
  data.frame(kind = case$kind, x = rle_text(case$x), y = if (is.null(case$y)) "-" else rle_text(case$y),
             mu = case$mu, alternative = alternative, level = case$level, statistic = unname(test$statistic),
             df = unname(test$parameter), p_value = test$p.value, estimate = estimate,
             lower = two$conf.int[1], upper = two$conf.int[2])
}
td <- do.call(rbind, lapply(tt, function(case) do.call(rbind, lapply(alts, function(a) run_tt(case, a)))))
# What TTest.Undefined refuses, R refuses too (fewer than 2 values, or no variance), or answers with NaN: its check,
# stderr < 10 eps |mean|, lets through a zero stderr around a zero mean.
for (bad in list(list(x = 1), list(x = c(2, 2, 2)), list(x = c(1, 1), y = c(3, 3))))
  stopifnot(inherits(try(do.call(t.test, bad), silent = TRUE), "try-error"))
stopifnot(is.na(t.test(c(1, 2, 3), c(1, 2, 3), paired = TRUE)$p.value))
write_ref(td, "t_test.csv")
cat("sleep data, Welch: t =", fmt(td$statistic[1]), "df =", fmt(td$df[1]), "p =", fmt(td$p_value[1]),
    "; paired: t =", fmt(td$statistic[4]), "p =", fmt(td$p_value[4]), "\n")

# ---------------------------------------------------------------- ratios and the exact stratified test (issue 9)
# risk_ratio.csv   k1,n1,k2,n2,level,alternative -> Katz log interval of (k1/n1)/(k2/n2), written out; 0.5 added to
#                  every cell when k1 or k2 is 0. One-sided: z = qnorm(level), the other end 0 or Inf.
# odds_ratio.csv   a,b,c,d,level,alternative -> fisher.test p-value, and its conditional MLE and conf.int solved tightly
# cmh_exact.csv    strata ("a:b:c:d;..."),level,alternative -> mantelhaen.test(exact = TRUE) p-value, and its
#                  conditional MLE and conf.int solved tightly
# R's fisher.test and mantelhaen.test find the estimate and the interval with uniroot's default tolerance (about 1e-4);
# `conditional` below is their own code (dnhyper / dn2x2xk, mle, ncp.U, ncp.L) with the roots solved in log(psi) to
# 1e-15, and each value is checked against R's own answer to 1e-3 (on min(psi, 1 / psi), the scale R solves on).
katz <- function(k1, n1, k2, n2, level, alternative) {
  zero <- k1 == 0 | k2 == 0
  a <- k1 + 0.5 * zero; c <- k2 + 0.5 * zero; m1 <- n1 + zero; m2 <- n2 + zero
  lrr <- log(a / m1) - log(c / m2)
  se <- sqrt(1 / a - 1 / m1 + 1 / c - 1 / m2)
  z <- ifelse(alternative == "two.sided", qnorm(1 - (1 - level) / 2), qnorm(level))
  lower <- ifelse(alternative == "less", 0, exp(lrr - z * se))
  upper <- ifelse(alternative == "greater", Inf, exp(lrr + z * se))
  data.frame(estimate = exp(lrr), lower = lower, upper = upper)
}
rr <- expand.grid(n1 = c(1, 5, 99, 1000, 10^6), n2 = c(1, 7, 100, 10^6), kind = 1:4)
rr$k1 <- with(rr, pmin(n1, c(0, 1, round(n1 / 3), n1)[kind]))
rr$k2 <- with(rr, pmin(n2, c(0, round(n2 / 2), 1, n2)[kind]))
rn1 <- sample(c(1:200, 10^3, 10^4, 10^6), 120, replace = TRUE); rn2 <- sample(c(1:200, 10^3, 10^5), 120, replace = TRUE)
rr <- rbind(rr[, c("k1", "n1", "k2", "n2")],
            data.frame(k1 = sapply(rn1, function(n) sample(0:n, 1)), n1 = rn1, k2 = sapply(rn2, function(n) sample(0:n, 1)), n2 = rn2),
            data.frame(k1 = c(3, 8, 35), n1 = c(1000, 1000, 99), k2 = c(130, 3, 20), n2 = c(1000, 1000, 99)))
rr <- unique(rr)
rr$level <- sample(c(0.95, 0.9, 0.99, 0.98), nrow(rr), replace = TRUE)
rr <- rr[rep(seq_len(nrow(rr)), each = 3), ]
rr$alternative <- rep(alts, length.out = nrow(rr))
rr <- cbind(rr, katz(rr$k1, rr$n1, rr$k2, rr$n2, rr$level, rr$alternative))
for (col in c("k1", "n1", "k2", "n2")) rr[[col]] <- as.integer(rr[[col]])
write_ref(rr, "risk_ratio.csv")

# The conditional distribution of the sum of the a cells: log f0 on lo..hi (fisher.test: dhyper on the log scale;
# mantelhaen.test: its C convolution, normalized, on the probability scale).
conditional <- function(logdc, lo, x, level, alternative) {
  hi <- lo + length(logdc) - 1; support <- lo:hi
  dn <- function(theta) { d <- logdc + theta * support; d <- exp(d - max(d)); d / sum(d) }
  root <- function(f) uniroot(f, c(-1, 1), extendInt = "upX", tol = 1e-15, maxiter = 10000)$root
  mle <- if (x == lo) 0 else if (x == hi) Inf else exp(root(function(t) sum(support * dn(t)) - x))
  ncpU <- function(alpha) if (x == hi) Inf else exp(root(function(t) alpha - sum(dn(t)[support <= x])))
  ncpL <- function(alpha) if (x == lo) 0 else exp(root(function(t) sum(dn(t)[support >= x]) - alpha))
  ci <- switch(alternative, less = c(0, ncpU(1 - level)), greater = c(ncpL(1 - level), Inf),
               two.sided = c(ncpL((1 - level) / 2), ncpU((1 - level) / 2)))
  c(estimate = mle, lower = ci[1], upper = ci[2])
}
# R solves for psi in (0, 1), or for 1 / psi there, to an absolute 1.2e-4: so its answers are compared on that scale.
close_to_r <- function(ours, r) all(ifelse(is.finite(r) & r > 0, abs(pmin(ours, 1 / ours) - pmin(r, 1 / r)) <= 1e-3, ours == r))
or <- expand.grid(a = c(0, 1, 5), b = c(0, 2, 40), c = c(0, 3, 7), d = c(1, 10))
or <- rbind(or, data.frame(a = c(0, 0, 0, 35, 3, 4000, 1, 0, 10^5, 2), b = c(0, 5, 0, 64, 997, 996000, 999999, 10^6, 400000, 0),
                           c = c(0, 0, 4, 25, 130, 5000, 0, 2, 100500, 0), d = c(0, 0, 0, 74, 870, 995000, 10^6, 999998, 399500, 0)))
rs <- replicate(110, sample(0:60, 4, replace = TRUE))
or <- unique(rbind(or, data.frame(a = rs[1, ], b = rs[2, ], c = rs[3, ], d = rs[4, ])))
or$level <- sample(c(0.95, 0.9, 0.99, 0.98), nrow(or), replace = TRUE)
or <- or[rep(seq_len(nrow(or)), each = 3), ]
or$alternative <- rep(alts, length.out = nrow(or))
or_row <- function(a, b, c, d, level, alternative) {
  m <- a + c; n <- b + d; k <- a + b
  lo <- max(0, k - n); hi <- min(k, m)
  ft <- fisher.test(matrix(c(a, c, b, d), 2), alternative = alternative, conf.level = level)
  v <- conditional(dhyper(lo:hi, m, n, k, log = TRUE), lo, a, level, alternative)
  stopifnot(close_to_r(v, c(ft$estimate, ft$conf.int)))
  c(p_value = ft$p.value, v)
}
or <- cbind(or, t(mapply(or_row, or$a, or$b, or$c, or$d, or$level, or$alternative)))
for (col in c("a", "b", "c", "d")) or[[col]] <- as.integer(or[[col]])
write_ref(or, "odds_ratio.csv")

cmh_cases <- list(
  list(c(0, 0, 0, 0), c(1, 4, 2, 3)),                     # an all-zero stratum is left out
  list(c(0, 10, 0, 10), c(0, 20, 0, 20)),                 # no successes anywhere: nothing varies
  list(c(5, 0, 0, 5), c(3, 0, 0, 3)),                     # the top of the support: estimate Inf
  list(c(0, 5, 5, 0), c(0, 3, 3, 0)),                     # the bottom: estimate 0
  list(c(1, 99, 13, 87), c(0, 100, 15, 85), c(2, 98, 11, 89), c(0, 100, 17, 83)),  # Schoen-like: 0.75% vs 14%
  list(c(3, 997, 130, 870), c(8, 992, 120, 880)),
  list(c(1, 0, 0, 1), c(0, 1, 1, 0), c(1, 1, 1, 1)),
  list(c(40, 9960, 60, 9940), c(5, 4995, 9, 4991)),
  list(c(2, 20000, 30, 19980), c(1, 20000, 25, 19990)),
  list(c(1, 499999, 3, 499997), c(0, 500000, 2, 499998)),                   # a million units a stratum, rare events
  list(c(30, 999970, 60, 999940), c(4, 999996, 9, 999991), c(0, 10, 0, 10))) # two million, and a stratum without events
for (i in 1:80) {
  K <- sample(c(1, 2, 3, 5, 8), 1)
  cmh_cases[[length(cmh_cases) + 1]] <- lapply(1:K, function(j) {
    n1 <- sample(c(0:30, 100, 500), 1); n2 <- sample(c(1:30, 100, 500), 1)
    p1 <- runif(1, 0, 0.6); p2 <- runif(1, 0, 0.6)
    k1 <- rbinom(1, n1, p1); k2 <- rbinom(1, n2, p2)
    c(k1, n1 - k1, k2, n2 - k2)
  })
}
cmh_row <- function(strata, level, alternative) {
  kept <- Filter(function(s) sum(s) >= 2, strata)
  x <- array(unlist(lapply(kept, function(s) matrix(s[c(1, 3, 2, 4)], 2))), c(2, 2, length(kept)))
  m <- apply(x, 3, function(t) sum(t[, 1])); n <- apply(x, 3, function(t) sum(t[, 2])); t <- apply(x, 3, function(t) sum(t[1, ]))
  lo <- sum(pmax(0, t - n)); hi <- sum(pmin(m, t)); s <- sum(x[1, 1, ])
  dc <- .Call(stats:::C_d2x2xk, length(kept), m, n, t, hi - lo + 1L)
  if (length(kept) >= 2 && hi > lo) {
    mh <- mantelhaen.test(x, exact = TRUE, alternative = alternative, conf.level = level)
    r <- c(mh$p.value, mh$estimate, mh$conf.int)
  } else {
    # mantelhaen.test wants 2 strata; one is fisher.test's own computation on dc (and a fixed sum has p = 1).
    support <- lo:hi
    p <- switch(alternative, less = sum(dc[support <= s]), greater = sum(dc[support >= s]),
                two.sided = sum(dc[dc <= dc[s - lo + 1] * (1 + 1e-7)]))
    r <- c(p, NA, NA, NA)
  }
  v <- conditional(log(dc), lo, s, level, alternative)
  if (!is.na(r[2])) stopifnot(close_to_r(v, r[2:4]))
  c(p_value = r[1], v)
}
cm <- data.frame(strata = sapply(cmh_cases, function(st) paste(sapply(st, function(t) paste(sprintf("%d", as.integer(t)), collapse = ":")), collapse = ";")))
cm$level <- sample(c(0.95, 0.9, 0.99, 0.98), nrow(cm), replace = TRUE)
cm <- cm[rep(seq_len(nrow(cm)), each = 3), ]
cm$alternative <- rep(alts, length.out = nrow(cm))
cm_cases <- rep(cmh_cases, each = 3)
cm <- cbind(cm, t(mapply(function(i) cmh_row(cm_cases[[i]], cm$level[i], cm$alternative[i]), seq_len(nrow(cm)))))
write_ref(cm, "cmh_exact.csv")
cat("Meinke 35 of 99 against 25%, one-sided greater: binom.test p =", fmt(binom.test(35, 99, 0.25, alternative = "greater")$p.value),
    "; 99% lower bound", fmt(binom.test(35, 99, 0.25, alternative = "greater", conf.level = 0.99)$conf.int[1]), "\n")

namespace Monitor.Core.Tagging.Semantic;

/// <summary>
/// A small L2-regularised logistic regression, trained by full-batch gradient descent on standardised features:
/// a dozen features and a few hundred statements per topic need nothing more.
/// </summary>
public static class LogisticRegression
{
    /// <summary>Fits one topic; positives weigh sqrt(negatives / positives) so that rare topics are not ignored.</summary>
    /// <param name="monotone">Features whose weight may not be negative (evidence for the topic by construction): a
    /// constraint that keeps a few hundred statements from learning that more similarity means less topic.</param>
    public static Calibration Fit(IReadOnlyList<double[]> features, IReadOnlyList<bool> labels, double l2 = 1.0, int iterations = 1500, double rate = 0.3, IReadOnlyList<bool>? monotone = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        if (features.Count == 0 || features.Count != labels.Count)
        {
            throw new ArgumentException("One label per feature row, and at least one row, are needed");
        }

        var n = features.Count;
        var width = features[0].Length;
        var mean = new double[width];
        var std = new double[width];
        for (var j = 0; j < width; j++)
        {
            mean[j] = features.Average(r => r[j]);
            var variance = features.Average(r => (r[j] - mean[j]) * (r[j] - mean[j]));
            std[j] = variance > 1e-12 ? Math.Sqrt(variance) : 1;
        }

        var x = features.Select(r => r.Select((v, j) => Math.Clamp((v - mean[j]) / std[j], -Calibration.MaxZ, Calibration.MaxZ)).ToArray()).ToArray();
        var positives = labels.Count(l => l);
        var positiveWeight = positives == 0 || positives == n ? 1 : Math.Sqrt((double)(n - positives) / positives);
        var weights = new double[width];
        double bias = 0;
        var gradient = new double[width];
        var totalWeight = labels.Sum(l => l ? positiveWeight : 1);
        for (var iteration = 0; iteration < iterations; iteration++)
        {
            Array.Clear(gradient);
            double biasGradient = 0;
            for (var i = 0; i < n; i++)
            {
                var z = bias;
                for (var j = 0; j < width; j++)
                {
                    z += weights[j] * x[i][j];
                }

                var p = 1 / (1 + Math.Exp(-z));
                var w = labels[i] ? positiveWeight : 1;
                var error = w * (p - (labels[i] ? 1 : 0));
                for (var j = 0; j < width; j++)
                {
                    gradient[j] += error * x[i][j];
                }

                biasGradient += error;
            }

            for (var j = 0; j < width; j++)
            {
                weights[j] -= rate * ((gradient[j] / totalWeight) + (l2 * weights[j] / totalWeight));
                if (monotone is not null && monotone[j] && weights[j] < 0)
                {
                    weights[j] = 0;
                }
            }

            bias -= rate * biasGradient / totalWeight;
        }

        return new Calibration(mean, std, [.. weights.Select(w => Math.Round(w, 5))], Math.Round(bias, 5), 0.5);
    }

    /// <summary>The threshold in 0.2..0.8 (step 0.05) with the best F1 on held-out probabilities; ties go to the one nearest 0.5.</summary>
    public static double BestThreshold(IReadOnlyList<double> probabilities, IReadOnlyList<bool> labels)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentNullException.ThrowIfNull(labels);
        var best = 0.5;
        var bestF1 = -1.0;
        for (var step = 0; step <= 12; step++)
        {
            var threshold = 0.2 + (0.05 * step);
            int tp = 0, fp = 0, fn = 0;
            for (var i = 0; i < probabilities.Count; i++)
            {
                var predicted = probabilities[i] >= threshold;
                tp += predicted && labels[i] ? 1 : 0;
                fp += predicted && !labels[i] ? 1 : 0;
                fn += !predicted && labels[i] ? 1 : 0;
            }

            var f1 = tp == 0 ? 0 : 2.0 * tp / ((2.0 * tp) + fp + fn);
            if (f1 > bestF1 + 1e-9 || (Math.Abs(f1 - bestF1) <= 1e-9 && Math.Abs(threshold - 0.5) < Math.Abs(best - 0.5)))
            {
                bestF1 = f1;
                best = threshold;
            }
        }

        return Math.Round(best, 2);
    }
}

import { writeProject } from './__fixtures__/project';
import { formatFinding } from './Finding';
import { checkPython, hasPytest, pythonProjectOf } from './python';

const runner = hasPytest() ? 'pytest' : 'unittest';

describe('python gate', () => {
  it('compiles the code and runs each project’s tests', () => {
    const project = writeProject({
      'app/requirements.txt': 'flask==3.0.3\n',
      'app/calc.py': 'def add(a, b):\n    return a + b\n',
      'app/tests/test_calc.py':
        'import unittest\nfrom calc import add\n\nclass T(unittest.TestCase):\n    def test_add(self):\n        self.assertEqual(add(1, 2), 3)\n',
    });
    try {
      const report = checkPython(project.root, project.files);
      expect(report.findings).toEqual([]);
      expect(report.compiled).toBe(2);
      expect(report.testRuns).toEqual([
        {
          project: 'app',
          runner,
          summary: expect.stringMatching(/1 passed|OK/),
        },
      ]);
    } finally {
      project.remove();
    }
  });

  it('names a file that does not compile, a failing test and an unpinned requirement', () => {
    const project = writeProject({
      'app/requirements.txt': 'flask==3.0.3\nfastapi>=0.100\n',
      'app/broken.py': 'def f(:\n    pass\n',
      'app/calc.py': 'def add(a, b):\n    return a - b\n',
      'app/tests/test_calc.py':
        'import unittest\nfrom calc import add\n\nclass T(unittest.TestCase):\n    def test_add(self):\n        self.assertEqual(add(1, 2), 3)\n',
    });
    try {
      const findings = checkPython(project.root, project.files).findings.map(
        formatFinding,
      );
      expect(findings).toEqual([
        '[python/requirements-pinned] app/requirements.txt: fastapi>=0.100 must pin one version (name==x.y.z)',
        expect.stringMatching(
          /^\[python\/compiles\] app\/broken\.py: line 1: /,
        ),
        expect.stringMatching(
          new RegExp(`^\\[python/tests-pass\\] app: ${runner} failed`),
        ),
      ]);
    } finally {
      project.remove();
    }
  });

  it('groups tests by the nearest folder with requirements', () => {
    const project = writeProject({
      'svc/requirements.txt': '',
      'svc/tests/test_a.py': '',
      'lone/test_b.py': '',
    });
    try {
      expect(pythonProjectOf(project.root, 'svc/tests/test_a.py')).toBe('svc');
      expect(pythonProjectOf(project.root, 'lone/test_b.py')).toBe('lone');
    } finally {
      project.remove();
    }
  });
});

import '@testing-library/jest-dom';
import { installFixedSizeResizeObserver } from '@fleetdeck/frontend-common';

installFixedSizeResizeObserver();
